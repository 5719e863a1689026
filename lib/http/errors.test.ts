import { z } from "zod";
import { describe, expect, it } from "vitest";
import { errorBody, fromZodError, tooMany, ApiError } from "./errors";

describe("error shapes", () => {
  it("renders the OpenAI shape on the gateway", () => {
    expect(errorBody(new ApiError(402, "insufficient_credits", "Not enough credits"), "openai")).toEqual({
      error: { message: "Not enough credits", type: "insufficient_quota", code: "insufficient_credits", param: null },
    });
    expect(errorBody(new ApiError(503, "no_provider", "x"), "openai").error.type).toBe("api_error");
  });

  it("renders one JSON shape elsewhere", () => {
    expect(errorBody(new ApiError(404, "not_found", "Not found"), "app")).toEqual({
      error: { code: "not_found", message: "Not found", param: null },
    });
  });

  it("turns zod issues into a 400 naming the first field, with every problem as a sentence", () => {
    const schema = z.object({
      amount: z.number().positive().meta({ label: "Amount", unit: "usd" }),
      note: z.string().min(1).meta({ label: "Note" }),
    });
    const result = schema.safeParse({ amount: -1, note: "" });
    const err = fromZodError(result.error!, schema);
    expect(err.status).toBe(400);
    expect(err.param).toBe("amount");
    expect(err.message).toBe("Amount must be more than $0; Note is required");
    expect(errorBody(err, "app")).toEqual({
      error: {
        code: "invalid_request",
        message: "Amount must be more than $0; Note is required",
        param: "amount",
        errors: [
          { param: "amount", message: "Amount must be more than $0" },
          { param: "note", message: "Note is required" },
        ],
      },
    });
    // The gateway keeps OpenAI's four fields exactly, with the same human message.
    expect(errorBody(err, "openai")).toEqual({
      error: {
        message: "Amount must be more than $0; Note is required",
        type: "invalid_request_error",
        code: "invalid_request",
        param: "amount",
      },
    });
  });

  it("sets Retry-After on 429", () => {
    expect(tooMany("slow down", 2.2).headers["Retry-After"]).toBe("3");
  });
});
