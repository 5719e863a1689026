import { describe, expect, it } from "vitest";
import { encodeMessageResponse, toolInput, type CompletedMessage } from "./encode-response.ts";
import { finalTextResponse, textResponse, toolUseResponse } from "./test-fixtures.ts";

const done = (over: Partial<CompletedMessage> = {}): CompletedMessage => ({
  id: "req-1",
  model: "anthropic/claude-sonnet-4-5",
  text: "",
  toolCalls: [],
  finishReason: "stop",
  usage: { prompt_tokens: 10, completion_tokens: 5 },
  ...over,
});

describe("encodeMessageResponse", () => {
  it("gives Anthropic's documented text reply", () => {
    const out = encodeMessageResponse({
      id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
      model: "claude-3-7-sonnet-20250219",
      text: "Hi! My name is Claude.",
      toolCalls: [],
      finishReason: "stop",
      usage: { prompt_tokens: 2095, completion_tokens: 503 },
    });
    expect(out).toEqual(textResponse);
    expect(
      encodeMessageResponse({
        ...done(),
        id: finalTextResponse.id,
        model: finalTextResponse.model,
        text: finalTextResponse.content[0]!.text,
        usage: { prompt_tokens: 495, completion_tokens: 31 },
      }),
    ).toEqual(finalTextResponse);
  });

  it("gives Anthropic's documented tool_use reply: text first, then tool_use blocks with parsed input", () => {
    const out = encodeMessageResponse({
      id: "msg_01Aq9w938a90dw8q",
      model: "claude-opus-4-1-20250805",
      text: "I'll check the current weather in San Francisco for you.",
      toolCalls: [
        {
          id: "toolu_01A09q90qw90lq917835lq9",
          name: "get_weather",
          arguments: '{"location": "San Francisco, CA", "unit": "celsius"}',
        },
      ],
      finishReason: "tool_calls",
      usage: { prompt_tokens: 384, completion_tokens: 89 },
    });
    expect(out).toEqual(toolUseResponse);
  });

  it("prefixes request ids with msg_ and makes up ids for tool calls that came without one", () => {
    const out = encodeMessageResponse(
      done({
        text: "",
        toolCalls: [
          { id: "", name: "a", arguments: "{}" },
          { id: "call_9", name: "b", arguments: "" },
        ],
        finishReason: "tool_calls",
      }),
    );
    expect(out.id).toBe("msg_req-1");
    expect(out.content).toEqual([
      { type: "tool_use", id: "toolu_req-1_0", name: "a", input: {} },
      { type: "tool_use", id: "call_9", name: "b", input: {} },
    ]);
  });

  it.each([
    ["stop", false, null, "end_turn"],
    [null, false, null, "end_turn"],
    ["length", false, null, "max_tokens"],
    ["length", true, null, "max_tokens"],
    ["tool_calls", true, null, "tool_use"],
    ["function_call", true, null, "tool_use"],
    // Some OpenAI-compatible servers finish tool calls with "stop".
    ["stop", true, null, "tool_use"],
    ["content_filter", false, null, "refusal"],
    ["stop", false, "END", "stop_sequence"],
  ] as const)(
    "finish_reason %s (tool calls: %s, stop sequence: %s) is stop_reason %s",
    (finishReason, tools, stopSequence, expected) => {
      const out = encodeMessageResponse(
        done({ finishReason, stopSequence, toolCalls: tools ? [{ id: "t", name: "n", arguments: "{}" }] : [] }),
      );
      expect(out.stop_reason).toBe(expected);
      expect(out.stop_sequence).toBe(expected === "stop_sequence" ? "END" : null);
    },
  );

  it("reports an OpenAI refusal as text with stop_reason refusal", () => {
    const out = encodeMessageResponse(done({ text: "", refusal: "I can't help with that.", finishReason: "stop" }));
    expect(out.content).toEqual([{ type: "text", text: "I can't help with that." }]);
    expect(out.stop_reason).toBe("refusal");
  });

  it("splits the prompt count into Anthropic's input and cache fields", () => {
    expect(
      encodeMessageResponse(
        done({ usage: { prompt_tokens: 1000, completion_tokens: 7, cache_read_tokens: 600, cache_write_tokens: 300 } }),
      ).usage,
    ).toEqual({
      input_tokens: 100,
      output_tokens: 7,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 600,
    });
    expect(encodeMessageResponse(done({ usage: null })).usage).toEqual({ input_tokens: 0, output_tokens: 0 });
  });

  it("gives an empty reply an empty content list", () => {
    expect(encodeMessageResponse(done()).content).toEqual([]);
  });
});

describe("toolInput", () => {
  it("parses JSON objects and makes anything else an empty input", () => {
    expect(toolInput('{"a":[1,2]}')).toEqual({ a: [1, 2] });
    for (const bad of ["", "  ", '{"a": 1', "[1]", "null", "42", '"x"']) expect(toolInput(bad)).toEqual({});
  });
});
