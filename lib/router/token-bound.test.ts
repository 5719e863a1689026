import { describe, expect, it } from "vitest";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { promptTokenBound, TOOL_PROMPT_ALLOWANCE } from "./token-bound.ts";
import { estimatePromptTokens } from "./tokens.ts";

const PLAIN = { disallowedSpecial: new Set<string>() };

describe("promptTokenBound", () => {
  it("bounds the exact token count of texts built to defeat a sampled estimate", () => {
    // The P4 attack: runs of spaces where a sampler looks, rare CJK characters everywhere else.
    const rare = "\u{2A6D6}\u{2B734}\u{2B81D}\u9FD0\u4DB5";
    let text = "";
    for (let i = 0; i < 16; i++) text += " ".repeat(4_096) + rare.repeat(2_000);
    const messages = [{ role: "user", content: text }];
    const exact = countTokens(text, PLAIN);
    const bound = promptTokenBound({ messages });
    expect(bound).toBeGreaterThanOrEqual(exact);
    // The sampled estimate the attack fooled is far below the truth; the bound is not.
    expect(estimatePromptTokens(messages)).toBeLessThan(exact);
  });

  it("is at least the exact count for ordinary, multilingual, emoji and code text", () => {
    const texts = [
      "Hello, world! How are you today?",
      "日本語のテキストとEnglish mixed",
      "😀🎉🚀 emoji ".repeat(50),
      "function f(x) { return x ** 2; }\n".repeat(40),
      "\u0000\u0001\u001f control",
    ];
    for (const t of texts) {
      const messages = [
        { role: "system", content: "be brief" },
        { role: "user", content: t, name: "alice" },
      ];
      expect(promptTokenBound({ messages })).toBeGreaterThanOrEqual(
        estimatePromptTokens(messages, undefined, { exact: true }),
      );
    }
  });

  it("counts every field that reaches the provider: tool calls, tool results, tools and their system prompt", () => {
    const messages = [
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "c1",
            type: "function",
            function: { name: "get_weather", arguments: JSON.stringify({ city: "x".repeat(5_000) }) },
          },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "y".repeat(3_000) },
    ];
    const tools = [
      {
        type: "function",
        function: {
          name: "get_weather",
          parameters: { type: "object", properties: { city: { type: "string", description: "z".repeat(2_000) } } },
        },
      },
    ];
    const withoutTools = promptTokenBound({ messages });
    expect(withoutTools).toBeGreaterThan(8_000);
    expect(promptTokenBound({ messages, tools })).toBeGreaterThan(withoutTools + 2_000 + TOOL_PROMPT_ALLOWANCE);
  });

  it("is unbounded (the context window decides) when a content part is not text", () => {
    expect(
      promptTokenBound({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "what is this?" },
              { type: "image_url", image_url: { url: "https://x/y.png" } },
            ],
          },
        ],
      }),
    ).toBe(Infinity);
    expect(
      promptTokenBound({ messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-1" } }] }] }),
    ).toBe(Infinity);
    expect(promptTokenBound({ messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] })).toBeLessThan(
      100,
    );
  });
});
