import { describe, expect, it } from "vitest";
import { ApiError, badRequest, fromZodError } from "../../http/errors.ts";
import { anthropicError, anthropicErrorBody, anthropicErrorType } from "./errors.ts";
import { MessagesRequestError } from "./request-error.ts";
import { messagesRequestSchema } from "./schema.ts";
import { errorExample } from "./test-fixtures.ts";

describe("Anthropic error shape", () => {
  it.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [402, "billing_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [408, "timeout_error"],
    [413, "request_too_large"],
    [429, "rate_limit_error"],
    [500, "api_error"],
    [503, "overloaded_error"],
    [504, "timeout_error"],
    [529, "overloaded_error"],
    // Anthropic uses invalid_request_error for the 4xx it does not list, api_error for other 5xx.
    [409, "invalid_request_error"],
    [415, "invalid_request_error"],
    [422, "invalid_request_error"],
    [424, "invalid_request_error"],
    [502, "api_error"],
  ] as const)("status %i is %s", (status, type) => {
    expect(anthropicErrorType(status)).toBe(type);
  });

  it("matches Anthropic's documented error body", () => {
    expect(anthropicError(404, "The requested resource could not be found.", "req_011CSHoEeqs5C35K2UUqR7Fy")).toEqual(
      errorExample,
    );
    expect(anthropicError(500, "boom")).toEqual({ type: "error", error: { type: "api_error", message: "boom" } });
  });

  it("carries a gateway ApiError's status meaning and message, not its OpenAI fields", () => {
    const credits = new ApiError(402, "insufficient_credits", "Not enough credits: $0.02 needed, $0.01 available");
    expect(anthropicErrorBody(credits, "req_1")).toEqual({
      type: "error",
      error: { type: "billing_error", message: credits.message },
      request_id: "req_1",
    });
    const rate = new ApiError(429, "rate_limited", "Too many requests", null, { "Retry-After": "3" });
    expect(anthropicErrorBody(rate)).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: "Too many requests" },
    });
    expect(anthropicErrorBody(badRequest("Unknown model", "model")).error.type).toBe("invalid_request_error");
  });

  it("turns a failed parse into invalid_request_error with the field named in the message", () => {
    const parsed = messagesRequestSchema.safeParse({ model: "auto", messages: [{ role: "user", content: "hi" }] });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(anthropicErrorBody(fromZodError(parsed.error, messagesRequestSchema))).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "max_tokens is required" },
    });
  });

  it("MessagesRequestError is a 400 ApiError the route already knows how to answer", () => {
    const err = new MessagesRequestError('tool_choice names the tool "x", which is not in tools', "tool_choice.name");
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.code, err.param]).toEqual([400, "invalid_request", "tool_choice.name"]);
    expect(anthropicErrorBody(err).error.type).toBe("invalid_request_error");
  });
});
