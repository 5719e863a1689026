import { describe, expect, it } from "vitest";
import type { ChunkDelta, UpstreamEvent, Usage } from "../../providers/types.ts";
import { MessagesStreamEncoder } from "./encode-stream.ts";
import { streamErrorEvent, streamedText, streamedToolUse, type SseFixture } from "./test-fixtures.ts";

const chunk = (delta: ChunkDelta, finish_reason: string | null = null): UpstreamEvent => ({
  type: "chunk",
  choices: [{ index: 0, delta, finish_reason }],
});
const usage = (u: Usage, partial = false): UpstreamEvent => ({
  type: "usage",
  usage: u,
  ...(partial ? { partial } : {}),
});
const tool = (index: number, fn: { name?: string; arguments?: string }, id?: string): UpstreamEvent =>
  chunk({ tool_calls: [{ index, ...(id ? { id, type: "function" as const } : {}), function: fn }] });

/** Frames back into `{ event, data }`, checking each is exactly `event: <type>\ndata: <json>\n\n` with matching types. */
function parse(frames: string[]): SseFixture {
  return frames.map((f) => {
    const m = /^event: ([a-z_]+)\ndata: (.*)\n\n$/s.exec(f);
    if (!m) throw new Error(`not an SSE event frame: ${JSON.stringify(f)}`);
    const data = JSON.parse(m[2]!) as Record<string, unknown>;
    expect(data.type).toBe(m[1]);
    return { event: m[1]!, data };
  });
}

function run(
  events: UpstreamEvent[],
  options = { id: "req-1", model: "m" },
  finish?: Parameters<MessagesStreamEncoder["finish"]>[0],
): SseFixture {
  const enc = new MessagesStreamEncoder(options);
  return parse([...events.flatMap((e) => enc.push(e)), ...enc.finish(finish)]);
}

/** A documented stream as this encoder writes it: no pings (the route sends its own keep-alives), no empty input_json_delta. */
const withoutPingsAndEmptyDeltas = (events: SseFixture) =>
  events.filter(
    (e) =>
      e.event !== "ping" &&
      !(e.event === "content_block_delta" && (e.data.delta as { partial_json?: string }).partial_json === ""),
  );

const TOOL_TEXT = [
  "Okay",
  ",",
  " let",
  "'s",
  " check",
  " the",
  " weather",
  " for",
  " San",
  " Francisco",
  ",",
  " CA",
  ":",
];
const TOOL_ARGS = ['{"location":', ' "San', " Francisc", "o,", ' CA"', ", ", '"unit": "fah', 'renheit"}'];

describe("MessagesStreamEncoder", () => {
  it("writes the documented streamed text reply from the events an Anthropic upstream gives", () => {
    const out = run(
      [
        chunk({ role: "assistant", content: "" }),
        usage({ prompt_tokens: 25, completion_tokens: 1 }, true),
        chunk({ content: "Hello" }),
        chunk({ content: "!" }),
        chunk({}, "stop"),
        usage({ prompt_tokens: 25, completion_tokens: 15 }),
      ],
      { id: "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", model: "claude-3-5-sonnet-20240620" },
    );
    expect(out).toEqual(withoutPingsAndEmptyDeltas(streamedText));
  });

  it("frames each event exactly as event/data lines", () => {
    const enc = new MessagesStreamEncoder({ id: "req-1", model: "m" });
    expect(enc.hasStarted).toBe(false);
    const [first] = enc.push(chunk({ content: "Hi" }));
    expect(enc.hasStarted).toBe(true);
    expect(first).toBe(
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_req-1","type":"message","role":"assistant","content":[],"model":"m","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}}\n\n',
    );
    expect(enc.ping()).toBe('event: ping\ndata: {"type":"ping"}\n\n');
  });

  it("writes the documented streamed tool call from OpenAI-style pieces, the prompt count arriving at the end", () => {
    const out = run(
      [
        chunk({ role: "assistant", content: "" }),
        ...TOOL_TEXT.map((content) => chunk({ content })),
        tool(0, { name: "get_weather", arguments: "" }, "toolu_01T1x1fJ34qAmk2tNTrN7Up6"),
        ...TOOL_ARGS.map((a) => tool(0, { arguments: a })),
        chunk({}, "tool_calls"),
        usage({ prompt_tokens: 472, completion_tokens: 89 }),
      ],
      { id: "msg_014p7gG3wDgGV9EUtLvnow3U", model: "claude-opus-4-1-20250805" },
    );
    const expected = withoutPingsAndEmptyDeltas(streamedToolUse);
    // message_start could not know the prompt's count; message_delta's cumulative usage carries it.
    (expected[0]!.data.message as { usage: unknown }).usage = { input_tokens: 0, output_tokens: 0 };
    expected.at(-2)!.data.usage = { input_tokens: 472, output_tokens: 89 };
    expect(out).toEqual(expected);

    const json = out
      .filter((e) => e.event === "content_block_delta" && e.data.index === 1)
      .map((e) => (e.data.delta as { partial_json: string }).partial_json)
      .join("");
    expect(JSON.parse(json)).toEqual({ location: "San Francisco, CA", unit: "fahrenheit" });
  });

  it("gives each parallel tool call its own block, in order", () => {
    const out = run([
      tool(0, { name: "a", arguments: '{"x":' }, "call_a"),
      tool(0, { arguments: "1}" }),
      tool(1, { name: "b", arguments: "" }, "call_b"),
      tool(1, { arguments: '{"y":2}' }),
      chunk({}, "tool_calls"),
    ]);
    expect(out.map((e) => [e.event, e.data.index ?? null])).toEqual([
      ["message_start", null],
      ["content_block_start", 0],
      ["content_block_delta", 0],
      ["content_block_delta", 0],
      ["content_block_stop", 0],
      ["content_block_start", 1],
      ["content_block_delta", 1],
      ["content_block_stop", 1],
      ["message_delta", null],
      ["message_stop", null],
    ]);
    expect(out[5]!.data.content_block).toEqual({ type: "tool_use", id: "call_b", name: "b", input: {} });
    expect(out[8]!.data.delta).toEqual({ stop_reason: "tool_use", stop_sequence: null });
  });

  it("holds a tool block until its name arrives, and invents an id when none came", () => {
    const out = run([
      tool(0, { arguments: '{"q":' }),
      tool(0, { name: "search" }),
      tool(0, { arguments: '"x"}' }),
      chunk({}, "tool_calls"),
    ]);
    expect(out.slice(1, 5).map((e) => e.data)).toEqual([
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "toolu_req-1_0", name: "search", input: {} },
      },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"q":' } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '"x"}' } },
      { type: "content_block_stop", index: 0 },
    ]);
  });

  it("still shows a call whose name never came", () => {
    const out = run([tool(0, { arguments: "{}" }, "call_1"), chunk({}, "tool_calls")]);
    expect(out.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(out[1]!.data.content_block).toEqual({ type: "tool_use", id: "call_1", name: "", input: {} });
  });

  it("sends a late fragment of an already closed call under that call's index", () => {
    const out = run([
      tool(0, { name: "a", arguments: '{"x":' }, "c0"),
      tool(1, { name: "b", arguments: "{}" }, "c1"),
      tool(0, { arguments: "1}" }),
      chunk({}, "tool_calls"),
    ]);
    const block0 = out
      .filter((e) => e.event === "content_block_delta" && e.data.index === 0)
      .map((e) => (e.data.delta as { partial_json: string }).partial_json);
    expect(block0.join("")).toBe('{"x":1}');
  });

  it("starts a new text block when text follows a tool call", () => {
    const out = run([
      chunk({ content: "a" }),
      tool(0, { name: "t", arguments: "{}" }, "c"),
      chunk({ content: "b" }),
      chunk({}, "tool_calls"),
    ]);
    expect(
      out
        .filter((e) => e.event === "content_block_start")
        .map((e) => [e.data.index, (e.data.content_block as { type: string }).type]),
    ).toEqual([
      [0, "text"],
      [1, "tool_use"],
      [2, "text"],
    ]);
  });

  it("ends an empty reply with message_start, message_delta and message_stop", () => {
    expect(run([chunk({ role: "assistant", content: "" }), chunk({}, "stop")]).map((e) => e.event)).toEqual([
      "message_start",
      "message_delta",
      "message_stop",
    ]);
  });

  it.each([
    ["length", "max_tokens"],
    ["content_filter", "refusal"],
    ["stop", "end_turn"],
    [null, "end_turn"],
  ] as const)("maps finish_reason %s to stop_reason %s", (finish, stop) => {
    const out = run([chunk({ content: "x" }, finish)]);
    expect(out.at(-2)!.data.delta).toEqual({ stop_reason: stop, stop_sequence: null });
  });

  it("reports a known stop sequence, and uses the counts the request was charged for", () => {
    const out = run(
      [
        usage({ prompt_tokens: 50, completion_tokens: 1, cache_read_tokens: 40 }, true),
        chunk({ content: "x" }, "stop"),
      ],
      undefined,
      {
        usage: { prompt_tokens: 50, completion_tokens: 9, cache_read_tokens: 40 },
        stopSequence: "END",
      },
    );
    expect((out[0]!.data.message as { usage: unknown }).usage).toEqual({
      input_tokens: 10,
      output_tokens: 1,
      cache_read_input_tokens: 40,
    });
    expect(out.at(-2)!.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "stop_sequence", stop_sequence: "END" },
      usage: { output_tokens: 9 },
    });
  });

  it("shows an OpenAI refusal as text with stop_reason refusal", () => {
    const out = run([chunk({ refusal: "I can't help with that." }), chunk({}, "stop")]);
    expect(out[2]!.data.delta).toEqual({ type: "text_delta", text: "I can't help with that." });
    expect(out.at(-2)!.data.delta).toEqual({ stop_reason: "refusal", stop_sequence: null });
  });

  it("writes nothing for usage, role-only chunks, reasoning or other choices", () => {
    const enc = new MessagesStreamEncoder({ id: "r", model: "m" });
    expect(enc.push(usage({ prompt_tokens: 1, completion_tokens: 0 }, true))).toEqual([]);
    expect(enc.push(chunk({ role: "assistant", content: "" }))).toEqual([]);
    expect(enc.push(chunk({ reasoning_content: "thinking..." }))).toEqual([]);
    expect(
      enc.push({ type: "chunk", choices: [{ index: 1, delta: { content: "other" }, finish_reason: null }] }),
    ).toEqual([]);
    expect(enc.hasStarted).toBe(false);
  });

  it("ends a broken stream with Anthropic's error event and nothing after it", () => {
    const enc = new MessagesStreamEncoder({ id: "r", model: "m" });
    enc.push(chunk({ content: "partial" }));
    expect(parse(enc.error("upstream stream broke", 502))).toEqual([
      { event: "error", data: { type: "error", error: { type: "api_error", message: "upstream stream broke" } } },
    ]);
    expect(enc.push(chunk({ content: "more" }))).toEqual([]);
    expect(enc.finish()).toEqual([]);
    expect(enc.error("again")).toEqual([]);
  });

  it("writes the documented overloaded error event", () => {
    const enc = new MessagesStreamEncoder({ id: "r", model: "m" });
    expect(parse(enc.error("Overloaded", 529))).toEqual([streamErrorEvent]);
  });

  it("writes nothing after message_stop", () => {
    const enc = new MessagesStreamEncoder({ id: "r", model: "m" });
    enc.finish();
    expect(enc.push(chunk({ content: "late" }))).toEqual([]);
    expect(enc.finish()).toEqual([]);
    expect(enc.error("late")).toEqual([]);
  });
});
