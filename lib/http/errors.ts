import { anthropicErrorBody } from "../dialects/anthropic-messages/errors.ts";
import { z } from "zod";
import { describeZodError, type FieldError } from "./zod-messages.ts";

/** The one error type: a status, a stable code and a message that is safe to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
    /** Every problem with the request, each tied to its field; set for validation errors. */
    readonly errors: readonly FieldError[] | null = null,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, param: string | null = null) =>
  new ApiError(400, "invalid_request", message, param);
export const unauthorized = (message = "Authentication required") => new ApiError(401, "unauthorized", message);
export const forbidden = (message = "You do not have access to this resource") =>
  new ApiError(403, "forbidden", message);
export const notFound = (message = "Not found") => new ApiError(404, "not_found", message);
export const conflict = (message: string, param: string | null = null) => new ApiError(409, "conflict", message, param);
export const tooMany = (message: string, retryAfterSeconds: number) =>
  new ApiError(429, "rate_limited", message, null, {
    "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });

/**
 * A failed parse as one 400: `param` names the first field, the message says every problem (for
 * clients that show only the message), and `errors` ties each sentence to its field. `schema`
 * supplies the fields' labels; without it fields go by their names.
 */
export function fromZodError(err: z.ZodError, schema?: z.core.$ZodType): ApiError {
  const errors = describeZodError(err, schema);
  if (errors.length === 0) return badRequest("Invalid request");
  const message = errors.map((e) => e.message).join("; ");
  return new ApiError(400, "invalid_request", message, errors[0]!.param, {}, errors);
}

const OPENAI_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "insufficient_quota",
  403: "permission_error",
  404: "not_found_error",
  409: "invalid_request_error",
  413: "invalid_request_error",
  429: "rate_limit_error",
};

export type ErrorShape = "app" | "openai" | "anthropic";

/** `app`: {error:{code, message, param}}; `openai`: {error:{message, type, code, param}}. */
export function errorBody(err: ApiError, shape: ErrorShape) {
  if (shape === "anthropic") return anthropicErrorBody(err);
  if (shape === "openai") {
    const type = OPENAI_TYPES[err.status] ?? (err.status >= 500 ? "api_error" : "invalid_request_error");
    return { error: { message: err.message, type, code: err.code, param: err.param } };
  }
  return {
    error: { code: err.code, message: err.message, param: err.param, ...(err.errors ? { errors: err.errors } : {}) },
  };
}
