import { describe, expect, it } from "vitest";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import {
  countTextTokens,
  estimatePromptTokens,
  hasImageParts,
  lastUserText,
  REPLY_PRIMING_TOKENS,
  SAMPLE_ABOVE_CHARS,
  TOKENS_PER_IMAGE_PART,
  TOKENS_PER_MESSAGE,
} from "./tokens.ts";

describe("estimatePromptTokens", () => {
  it("counts content and role with the real tokenizer plus OpenAI's per-message and priming overhead", () => {
    const text = "Hello there, how are you today?";
    const got = estimatePromptTokens([{ role: "user", content: text }]);
    expect(got).toBe(countTokens(text) + countTokens("user") + TOKENS_PER_MESSAGE + REPLY_PRIMING_TOKENS);
    expect(countTokens("user")).toBe(1);
  });

  it("adds every message", () => {
    const one = estimatePromptTokens([{ role: "user", content: "Hi" }]);
    const two = estimatePromptTokens([
      { role: "system", content: "You are terse." },
      { role: "user", content: "Hi" },
    ]);
    expect(two - one).toBe(countTokens("You are terse.") + countTokens("system") + TOKENS_PER_MESSAGE);
  });

  it("counts the text of array content parts and a fixed charge per image", () => {
    const parts = estimatePromptTokens([
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this picture?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
        ],
      },
    ]);
    const plain = estimatePromptTokens([{ role: "user", content: "What is in this picture?" }]);
    expect(parts).toBe(plain + TOKENS_PER_IMAGE_PART);
  });

  it("counts names, tool calls and tool definitions", () => {
    const base = estimatePromptTokens([{ role: "assistant", content: null }]);
    const withCall = estimatePromptTokens([
      {
        role: "assistant",
        content: null,
        name: "bot",
        tool_calls: [{ function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
      },
    ]);
    expect(withCall).toBeGreaterThan(base + 5);
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }];
    expect(estimatePromptTokens([{ role: "user", content: "hi" }], tools)).toBe(
      estimatePromptTokens([{ role: "user", content: "hi" }]) + countTokens(JSON.stringify(tools)),
    );
  });

  it("does not throw on special-token text typed by a user", () => {
    expect(() => estimatePromptTokens([{ role: "user", content: "say <|endoftext|> please" }])).not.toThrow();
    expect(countTextTokens("<|endoftext|>")).toBeGreaterThan(1);
  });

  it("tokenizes a ~1k-token prompt quickly", () => {
    const text = Array.from({ length: 250 }, (_, i) => `Sentence number ${i} talks about routing.`).join(" ");
    countTextTokens(text); // warm the tokenizer
    const start = performance.now();
    const n = countTextTokens(text + " extra");
    const ms = performance.now() - start;
    expect(n).toBeGreaterThan(1_000);
    expect(ms).toBeLessThan(50);
  });

  it("estimates very long texts from samples within a few percent, never far below", () => {
    const words = [
      "routing",
      "gateway",
      "model",
      "provider",
      "latency",
      "budget",
      "tokens",
      "privacy",
      "fallback",
      "é",
      "数据",
      "42",
      "{",
      "}",
      "\n",
    ];
    let seed = 7;
    const parts: string[] = [];
    while (parts.join(" ").length < SAMPLE_ABOVE_CHARS * 1.5) {
      for (let i = 0; i < 1000; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        parts.push(words[seed % words.length]!);
      }
    }
    const text = parts.join(" ");
    const exact = countTextTokens(text, { exact: true });
    const sampled = countTextTokens(text);
    expect(sampled).toBeGreaterThanOrEqual(exact * 0.99);
    expect(sampled).toBeLessThanOrEqual(exact * 1.06);
  });
});

describe("repeated texts", () => {
  it("count the same whether remembered or not", () => {
    const history = Array.from(
      { length: 40 },
      (_, i) => `Turn ${i}: the user asked about invoices and the assistant explained refunds.`,
    ).join("\n");
    const first = countTextTokens(history);
    expect(countTextTokens(history)).toBe(first);
    expect(countTextTokens(history)).toBe(countTokens(history));
    const conversation = [
      { role: "system", content: history },
      { role: "user", content: "And the next question?" },
    ];
    expect(estimatePromptTokens(conversation)).toBe(estimatePromptTokens(conversation));
  });

  it("keep exact and sampled counts of very long texts apart", () => {
    const long = "alpha beta gamma delta, ".repeat(Math.ceil((SAMPLE_ABOVE_CHARS + 10) / 24));
    const sampled = countTextTokens(long);
    const exact = countTextTokens(long, { exact: true });
    expect(countTextTokens(long)).toBe(sampled);
    expect(countTextTokens(long, { exact: true })).toBe(exact);
    expect(exact).toBe(countTokens(long));
  });
});

describe("message helpers", () => {
  it("finds the last user message text", () => {
    expect(
      lastUserText([
        { role: "user", content: "first" },
        { role: "assistant", content: "ok" },
        {
          role: "user",
          content: [
            { type: "text", text: "second" },
            { type: "text", text: "part" },
          ],
        },
        { role: "assistant", content: "done" },
      ]),
    ).toBe("second\npart");
    expect(lastUserText([{ role: "system", content: "x" }])).toBe("");
  });

  it("detects image parts", () => {
    expect(hasImageParts([{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }])).toBe(true);
    expect(hasImageParts([{ role: "user", content: "no image" }])).toBe(false);
  });
});

describe("long texts", () => {
  it("counts ordinary long text exactly as a whole-text count would, though it is counted in pieces", async () => {
    const { countTokens } = await import("gpt-tokenizer/encoding/o200k_base");
    const text = "The quick brown fox jumps over the lazy dog, then naps.\n".repeat(400);
    expect(countTextTokens(text, { exact: true })).toBe(countTokens(text));
  });
});
