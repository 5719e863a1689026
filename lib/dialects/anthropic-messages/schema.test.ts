import { describe, expect, it } from "vitest";
import { fromZodError } from "../../http/errors.ts";
import { messagesRequestSchema } from "./schema.ts";
import {
  imageRequest,
  streamedTextRequest,
  systemBlocksRequest,
  textRequest,
  toolRequest,
  toolResultRequest,
} from "./test-fixtures.ts";

const parse = (body: unknown) => messagesRequestSchema.safeParse(body);
const problem = (body: unknown) => {
  const r = parse(body);
  if (r.success) throw new Error("expected a validation error");
  return fromZodError(r.error, messagesRequestSchema);
};

describe("messagesRequestSchema", () => {
  it.each([
    ["text", textRequest],
    ["streamed text", streamedTextRequest],
    ["tool use", toolRequest],
    ["tool result round trip", toolResultRequest],
    ["images", imageRequest],
    ["system blocks", systemBlocksRequest],
  ])("accepts Anthropic's documented %s request", (_name, body) => {
    expect(parse(body).success).toBe(true);
  });

  it("accepts router aliases and provider/model ids as model names, and Switchyard's routing fields", () => {
    for (const model of ["eco", "balanced", "precision", "auto", "anthropic/claude-sonnet-4-5"])
      expect(parse({ ...textRequest, model }).success).toBe(true);
    const r = parse({ ...textRequest, model: "auto", power_level: "eco", task_type: "CODE", max_cost_usd: 0.01 });
    expect(r.success && r.data.task_type).toBe("code");
  });

  it("accepts and drops unknown top-level fields and untranslated block fields", () => {
    const r = parse({
      ...textRequest,
      thinking: { type: "enabled", budget_tokens: 2048 },
      service_tier: "auto",
      top_k: 5,
      messages: [
        { role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" }, citations: [] }] },
      ],
    });
    expect(r.success).toBe(true);
    if (!r.success) return;
    expect(r.data).not.toHaveProperty("thinking");
    expect(r.data).not.toHaveProperty("service_tier");
    expect(r.data.top_k).toBe(5);
    expect(r.data.messages[0]!.content).toEqual([{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }]);
  });

  it("accepts every tool_choice form and extended-thinking history", () => {
    for (const tool_choice of [
      { type: "auto" },
      { type: "any", disable_parallel_tool_use: true },
      { type: "tool", name: "get_weather" },
      { type: "none" },
    ]) {
      expect(parse({ ...toolRequest, tool_choice }).success).toBe(true);
    }
    const thinking = {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Let me think", signature: "sig" },
        { type: "redacted_thinking", data: "abc" },
        { type: "text", text: "Hi" },
      ],
    };
    expect(
      parse({ ...textRequest, messages: [...textRequest.messages, thinking, { role: "user", content: "go on" }] })
        .success,
    ).toBe(true);
  });

  it("requires model, a positive whole max_tokens and at least one message", () => {
    expect(problem({ messages: textRequest.messages, max_tokens: 10 }).param).toBe("model");
    expect(problem({ ...textRequest, max_tokens: undefined }).message).toBe("max_tokens is required");
    expect(problem({ ...textRequest, max_tokens: 0 }).param).toBe("max_tokens");
    expect(problem({ ...textRequest, max_tokens: 1.5 }).param).toBe("max_tokens");
    expect(problem({ ...textRequest, messages: [] }).message).toBe("messages must contain at least one message");
  });

  it("refuses what has no translation: system turns, server tools, Files API sources, unknown blocks", () => {
    expect(problem({ ...textRequest, messages: [{ role: "system", content: "x" }] }).param).toBe("messages.0.role");
    expect(
      problem({ ...toolRequest, tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 5 }] }).param,
    ).toMatch(/^tools\.0\./);
    expect(
      problem({
        ...textRequest,
        messages: [{ role: "user", content: [{ type: "image", source: { type: "file", file_id: "file_1" } }] }],
      }).param,
    ).toBe("messages.0.content.0.source.type");
    expect(
      problem({
        ...textRequest,
        messages: [{ role: "user", content: [{ type: "search_result", source: "x", title: "t", content: [] }] }],
      }).param,
    ).toBe("messages.0.content.0.type");
    // tool_use belongs to the assistant, tool_result to the user.
    expect(
      problem({
        ...textRequest,
        messages: [{ role: "user", content: [{ type: "tool_use", id: "t", name: "n", input: {} }] }],
      }).param,
    ).toBe("messages.0.content.0.type");
    expect(
      problem({
        ...textRequest,
        messages: [{ role: "assistant", content: [{ type: "tool_result", tool_use_id: "t" }] }],
      }).param,
    ).toBe("messages.0.content.0.type");
  });

  it("says what is supported when a block, role, source, tool or tool_choice type is not", () => {
    expect(
      problem({ ...textRequest, messages: [{ role: "user", content: [{ type: "search_result" }] }] }).message,
    ).toMatch(
      /must be a content block type the gateway translates: text, image, document or tool_result in user turns/,
    );
    expect(problem({ ...textRequest, messages: [{ role: "system", content: "x" }] }).message).toBe(
      "messages.0.role must be user or assistant (the system prompt goes in the top-level system field)",
    );
    expect(
      problem({
        ...textRequest,
        messages: [
          { role: "user", content: [{ type: "document", source: { type: "url", url: "https://x.test/a.pdf" } }] },
        ],
      }).message,
    ).toMatch(/base64 or url for an image, base64 \(a PDF\) or text for a document/);
    expect(problem({ ...toolRequest, tools: [{ type: "web_search_20250305", name: "web_search" }] }).message).toMatch(
      /^Only custom tools .* server tools such as web_search are not/,
    );
    expect(problem({ ...toolRequest, tool_choice: { type: "required" } }).message).toBe(
      "tool_choice.type must be auto, any, tool or none",
    );
  });

  it("bounds ranges and sizes", () => {
    expect(problem({ ...textRequest, temperature: 1.5 }).param).toBe("temperature");
    expect(problem({ ...textRequest, top_p: -0.1 }).param).toBe("top_p");
    expect(problem({ ...textRequest, stop_sequences: ["a", "b", "c", "d", "e"] }).message).toBe(
      "stop_sequences can have at most 4 entries",
    );
    expect(problem({ ...textRequest, metadata: { user_id: "u".repeat(257) } }).param).toBe("metadata.user_id");
    expect(
      problem({
        ...toolRequest,
        tools: Array.from({ length: 129 }, (_, i) => ({ ...toolRequest.tools[0]!, name: `t${i}` })),
      }).param,
    ).toBe("tools");
    expect(problem({ ...toolRequest, tools: [{ name: "x", input_schema: { type: "array" } }] }).param).toBe(
      "tools.0.input_schema.type",
    );
    expect(
      problem({
        ...imageRequest,
        messages: [
          {
            role: "user",
            content: [{ type: "image", source: { type: "base64", media_type: "image/tiff", data: "AAAA" } }],
          },
        ],
      }).param,
    ).toBe("messages.0.content.0.source.media_type");
  });
});
