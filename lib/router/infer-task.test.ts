import { describe, expect, it } from "vitest";
import { inferTaskType, LONG_CONTEXT_TOKENS } from "./infer-task.ts";

describe("inferTaskType", () => {
  it("reads code fences and code shapes as code", () => {
    expect(inferTaskType("Why does this fail?\n```ts\nconst x: number = 'a'\n```")).toBe("code");
    expect(inferTaskType("def add(a, b):\n    return a + b")).toBe("code");
    expect(inferTaskType("const total = items.reduce((a, b) => a + b)")).toBe("code");
  });

  it("reads code keywords as code", () => {
    expect(inferTaskType("How do I fix this TypeScript compiler error?")).toBe("code");
    expect(inferTaskType("Refactor my python script to use async")).toBe("code");
  });

  it("reads document work and long prompts as rag", () => {
    expect(inferTaskType("Summarize this document for me: ...")).toBe("rag");
    expect(inferTaskType("Based on the following context, who signed the contract?")).toBe("rag");
    expect(inferTaskType("what do you think?", LONG_CONTEXT_TOKENS)).toBe("rag");
  });

  it("reads stories and poems as creative, even about code", () => {
    expect(inferTaskType("Tell me a bedtime story about a dragon")).toBe("creative");
    expect(inferTaskType("a haiku about autumn")).toBe("creative");
    expect(inferTaskType("Write a poem about debugging code at 3am")).toBe("creative");
  });

  it("reads proofs, step-by-step and why-questions as reasoning", () => {
    expect(inferTaskType("Prove that the square root of 2 is irrational")).toBe("reasoning");
    expect(inferTaskType("Walk me through it step by step")).toBe("reasoning");
    expect(inferTaskType("Why is the sky blue?")).toBe("reasoning");
  });

  it("falls back to chat", () => {
    expect(inferTaskType("Hello! How are you?")).toBe("chat");
    expect(inferTaskType("")).toBe("chat");
  });

  it("stays cheap on huge messages", () => {
    const huge = "plain filler words for length ".repeat(200_000) + "```";
    const start = performance.now();
    expect(inferTaskType(huge)).toBe("code");
    expect(performance.now() - start).toBeLessThan(50);
  });
});
