import { ApiError } from "../../http/errors.ts";

/**
 * A request that parsed but cannot be translated (a tool_result answering no tool_use, a
 * tool_choice naming an absent tool). An ApiError, so the route's usual handling gives it a 400;
 * the subclass lets tests and the route tell translation problems from schema ones.
 */
export class MessagesRequestError extends ApiError {
  constructor(message: string, param: string | null = null) {
    super(400, "invalid_request", message, param);
    this.name = "MessagesRequestError";
  }
}
