/**
 * Errors in Anthropic's shape: `{ type: "error", error: { type, message }, request_id? }`, both as
 * a response body and as the in-stream `error` event. The HTTP status stays the gateway's own
 * (Anthropic's SDKs decide retries by status: 408, 409, 429 and 5xx retry), only the body's
 * `error.type` follows Anthropic's table.
 */
// Types only: lib/http/errors.ts renders this shape for the handler, so a value import would be a cycle.
import type { ApiError } from "../../http/errors.ts";

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "billing_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error";

export type AnthropicErrorBody = {
  type: "error";
  error: { type: AnthropicErrorType; message: string };
  request_id?: string;
};

const TYPES: Readonly<Record<number, AnthropicErrorType>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  // Anthropic answers a credit problem with 402 billing_error; ours (insufficient_credits, a spent
  // budget) is the same situation, and clients that know the type tell the user to top up.
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  408: "timeout_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  // No provider could serve (all busy, circuits open): the gateway's version of "overloaded".
  503: "overloaded_error",
  504: "timeout_error",
  529: "overloaded_error",
};

/** Anthropic's error type for an HTTP status; other 4xx are invalid_request_error, as Anthropic documents. */
export function anthropicErrorType(status: number): AnthropicErrorType {
  return TYPES[status] ?? (status >= 500 || status < 400 ? "api_error" : "invalid_request_error");
}

/**
 * The body for one of our errors. Our stable `code` and `param` have no place in Anthropic's shape;
 * the message already names the field, and the code survives in the usage log and X-Request-Id.
 */
export function anthropicErrorBody(err: ApiError, requestId?: string): AnthropicErrorBody {
  return anthropicError(err.status, err.message, requestId);
}

export function anthropicError(status: number, message: string, requestId?: string): AnthropicErrorBody {
  return {
    type: "error",
    error: { type: anthropicErrorType(status), message },
    ...(requestId ? { request_id: requestId } : {}),
  };
}
