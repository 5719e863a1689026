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
    expect(errorBody(new ApiError(404, "not_found", "Not found"), "app")).toEqual({ error: { code: "not_found", message: "Not found", param: null } });
  });

  it("turns zod issues into a 400 naming the field", () => {
    const result = z.object({ amount: z.number().positive() }).safeParse({ amount: -1 });
    const err = fromZodError(result.error!);
    expect(err.status).toBe(400);
    expect(err.param).toBe("amount");
    expect(err.message).toMatch(/^amount: /);
  });

  it("sets Retry-After on 429", () => {
    expect(tooMany("slow down", 2.2).headers["Retry-After"]).toBe("3");
  });
});
