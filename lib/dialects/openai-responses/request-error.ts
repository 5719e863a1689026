import { ApiError } from "../../http/errors.ts";

/**
 * A Responses request that parsed but cannot be translated (a function_call_output answering no
 * function_call, a tool_choice naming an absent tool, an image in a system message). An ApiError,
 * so the route's usual handling gives it a 400 in OpenAI's shape; the subclass lets tests tell
 * translation problems from schema ones.
 */
export class ResponsesRequestError extends ApiError {
  constructor(message: string, param: string | null = null) {
    super(400, "invalid_request", message, param);
    this.name = "ResponsesRequestError";
  }
}
