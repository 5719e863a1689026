import { describe, expect, it } from "vitest";
import { findJsonProblem, MAX_JSON_DEPTH, unstorableReason } from "./text";

describe("strings the database cannot store", () => {
  it("refuses NUL and unpaired surrogates, and nothing else", () => {
    expect(unstorableReason("a\u0000b")).toMatch(/NUL/);
    expect(unstorableReason("a\ud800")).toMatch(/surrogate/);
    expect(unstorableReason("\udc00a")).toMatch(/surrogate/);
    expect(unstorableReason("\udc00\ud800")).toMatch(/surrogate/);
    for (const fine of ["", "plain", "ünï", "😀", "\u202e", "tab\tnew\nline", "\ud83d\ude00"])
      expect(unstorableReason(fine)).toBeNull();
  });

  it("names the first offending value or property name by its path, as zod does", () => {
    expect(findJsonProblem({ messages: [{ content: "ok" }, { content: "bad\u0000" }] })).toEqual({
      path: "messages.1.content",
      message: expect.stringMatching(/NUL/),
    });
    expect(findJsonProblem({ meta: { "k\u0000": 1 } })).toEqual({
      path: "meta.k\\u0000",
      message: expect.stringMatching(/^property name .*NUL/),
    });
    expect(findJsonProblem("\ud800")).toEqual({ path: null, message: expect.stringMatching(/surrogate/) });
    expect(findJsonProblem({ a: [1, true, null, { b: "fine" }] })).toBeNull();
  });

  it("refuses nesting past the limit without overflowing the stack itself", () => {
    const nested = (depth: number) => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`);
    expect(findJsonProblem(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(findJsonProblem(nested(MAX_JSON_DEPTH + 1))?.message).toMatch(/deeper than/);
    expect(findJsonProblem(nested(500_000))?.message).toMatch(/deeper than/);
  });
});
