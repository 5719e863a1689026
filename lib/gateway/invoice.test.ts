import { describe, expect, it } from "vitest";
import { CompletionAccumulator } from "./accumulator.ts";
import { NO_COST, servedCost, tokenCounts } from "./invoice.ts";
import { seedModels } from "../router/test-fixtures.ts";
import type { RouterModel } from "../router/types.ts";

const sonnet: RouterModel = {
  ...seedModels().find((m) => m.upstreamId === "claude-3-5-sonnet-latest")!,
  cacheReadPricePer1M: 300_000,
  cacheWritePricePer1M: 3_750_000,
};
const text = (content: string) => ({
  type: "chunk" as const,
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

describe("tokenCounts and servedCost", () => {
  it("bill each class at the served model's price", () => {
    const t = tokenCounts(
      {
        prompt_tokens: 1_400,
        completion_tokens: 100,
        cache_read_tokens: 1_000,
        cache_write_tokens: 200,
        reasoning_tokens: 40,
      },
      9,
      100,
    );
    expect(t).toEqual({
      promptTokens: 1_400,
      completionTokens: 100,
      cacheReadTokens: 1_000,
      cacheWriteTokens: 200,
      reasoningTokens: 40,
    });
    // 200 uncached × $3/M = 600; 1,000 read × $0.30/M = 300; 200 written × $3.75/M = 750; 100 out × $15/M = 1,500 (µ$).
    expect(servedCost(sonnet, t, false)).toEqual({
      total: 3_150,
      input: 600,
      cacheRead: 300,
      cacheWrite: 750,
      output: 1_500,
    });
  });

  it("cost nothing for BYOK or without a served model, and nothing on a free model by its prices", () => {
    const t = tokenCounts({ prompt_tokens: 10, completion_tokens: 5 }, 0, 5);
    expect(servedCost(sonnet, t, true)).toEqual(NO_COST);
    expect(servedCost(undefined, t, false)).toEqual(NO_COST);
    const free = seedModels().find((m) => m.inputPricePer1M === 0 && m.outputPricePer1M === 0)!;
    expect(servedCost(free, t, false)).toEqual(NO_COST);
  });

  it("fall back to the prompt estimate without a report, and clamp classes into their totals", () => {
    expect(tokenCounts(null, 321, 7)).toEqual({
      promptTokens: 321,
      completionTokens: 7,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
    expect(
      tokenCounts(
        { prompt_tokens: 10, completion_tokens: 3, cache_read_tokens: 8, cache_write_tokens: 8, reasoning_tokens: 9 },
        0,
        3,
      ),
    ).toEqual({ promptTokens: 10, completionTokens: 3, cacheReadTokens: 8, cacheWriteTokens: 2, reasoningTokens: 3 });
  });
});

describe("CompletionAccumulator's counts for billing", () => {
  it("prefers the final usage, keeps a partial one's prompt, and never bills less output than the upstream said so far", () => {
    const acc = new CompletionAccumulator();
    acc.add({
      type: "usage",
      usage: { prompt_tokens: 1_200, completion_tokens: 1, cache_read_tokens: 1_000 },
      partial: true,
    });
    acc.add(text("Hello there"));
    expect(acc.reportedUsage()).toEqual({ prompt_tokens: 1_200, completion_tokens: 1, cache_read_tokens: 1_000 });
    expect(acc.completionTokens()).toBe(2); // the tokenizer's count of what arrived
    acc.add({
      type: "usage",
      usage: { prompt_tokens: 1_200, completion_tokens: 1, cache_read_tokens: 1_000 },
      partial: true,
    });
    acc.add({ type: "usage", usage: { prompt_tokens: 1_200, completion_tokens: 9 } });
    expect(acc.completionTokens()).toBe(9);
    expect(acc.reportedUsage()).toEqual({ prompt_tokens: 1_200, completion_tokens: 9 });

    const ahead = new CompletionAccumulator();
    ahead.add({ type: "usage", usage: { prompt_tokens: 5, completion_tokens: 40 }, partial: true });
    ahead.add(text("hi"));
    expect(ahead.completionTokens()).toBe(40);
  });

  it("counts streamed reasoning as produced output", () => {
    const acc = new CompletionAccumulator();
    acc.add({
      type: "chunk",
      choices: [{ index: 0, delta: { reasoning_content: "Let me think about this carefully" }, finish_reason: null }],
    });
    expect(acc.produced).toBe(true);
    expect(acc.completionTokens()).toBeGreaterThan(0);
  });
});
