import { describe, expect, it } from "vitest";
import type { ChunkDelta, UpstreamEvent } from "../../providers/types.ts";
import { ResponsesStreamEncoder } from "./encode-stream.ts";
import { echoOf } from "./response-object.ts";
import { responsesRequestSchema } from "./schema.ts";
import {
  functionCallRequest,
  interleavedCalls,
  STREAMED_ARGUMENT_PIECES,
  STREAMED_TEXT_PIECES,
  streamedFunctionCall,
  streamedText,
  streamedTextRequest,
  textRequest,
  type SseFixture,
} from "./test-fixtures.ts";
import { asServed, parseFrames } from "./test-frames.ts";
import { responsesUsage, type ResponsesUsage } from "./usage.ts";

const REQ = "7d1f0c5e-2a4b-4c6d-8e9f-0a1b2c3d4e5f";
const chunk = (delta: ChunkDelta, finish_reason: string | null = null): UpstreamEvent => ({
  type: "chunk",
  choices: [{ index: 0, delta, finish_reason }],
});
const tool = (index: number, fn: { name?: string; arguments?: string }, id?: string): UpstreamEvent =>
  chunk({ tool_calls: [{ index, ...(id ? { id, type: "function" as const } : {}), function: fn }] });
const usage = (prompt: number, completion: number): ResponsesUsage =>
  responsesUsage({ promptTokens: prompt, completionTokens: completion }, null);

function encoder(request: unknown = textRequest, model = "m", created = 1741290958) {
  return new ResponsesStreamEncoder({
    requestId: REQ,
    created,
    model,
    echo: echoOf(responsesRequestSchema.parse(request)),
  });
}

function run(events: UpstreamEvent[], final: ResponsesUsage | null = usage(10, 5), enc = encoder()): SseFixture {
  return parseFrames([...events.flatMap((e) => enc.push(e)), ...enc.finish(final)]);
}

const types = (events: SseFixture) => events.map((e) => e.event);

describe("ResponsesStreamEncoder", () => {
  it("writes OpenAI's documented streamed text reply, numbered from 0", () => {
    const out = run(
      [
        chunk({ role: "assistant", content: "" }),
        ...STREAMED_TEXT_PIECES.map((content) => chunk({ content })),
        chunk({}, "stop"),
        { type: "usage", usage: { prompt_tokens: 37, completion_tokens: 11 } },
      ],
      usage(37, 11),
      encoder(streamedTextRequest, "gpt-4.1-2025-04-14"),
    );
    expect(out).toEqual(
      asServed(streamedText, {
        resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654: `resp_${REQ}`,
        msg_67c9fdcf37fc8190ba82116e33fb28c507b8b0ad4e5eb654: `msg_${REQ}_0`,
      }),
    );
  });

  it("frames each event exactly as event and data lines, the type repeated in the data", () => {
    const enc = encoder();
    expect(enc.hasStarted).toBe(false);
    const [created, inProgress] = enc.push(chunk({ role: "assistant" }));
    expect(enc.hasStarted).toBe(true);
    expect(created).toMatch(
      /^event: response\.created\ndata: \{"type":"response\.created","response":\{"id":"resp_7d1f0c5e-[^\n]*,"sequence_number":0\}\n\n$/,
    );
    expect(inProgress).toMatch(
      /^event: response\.in_progress\ndata: \{"type":"response\.in_progress",[^\n]*"sequence_number":1\}\n\n$/,
    );
  });

  it("writes OpenAI's documented streamed function call from chat tool-call pieces", () => {
    const out = run(
      [
        chunk({ role: "assistant", content: null }),
        tool(0, { name: "get_weather", arguments: "" }, "call_1234xyz"),
        ...STREAMED_ARGUMENT_PIECES.map((a) => tool(0, { arguments: a })),
        chunk({}, "tool_calls"),
      ],
      usage(291, 23),
      encoder(functionCallRequest, "gpt-4.1-2025-04-14"),
    );
    expect(out).toEqual(asServed(streamedFunctionCall, { resp_1234xyz: `resp_${REQ}`, fc_1234xyz: `fc_${REQ}_0` }));
  });

  it("keeps interleaved parallel calls apart: each piece under its own call's item, both closed at the end", () => {
    const out = run(
      [
        tool(0, { name: "get_weather", arguments: "" }, "call_paris"),
        tool(1, { name: "get_weather", arguments: "" }, "call_bogota"),
        tool(0, { arguments: '{"location":' }),
        tool(1, { arguments: '{"location":' }),
        tool(0, { arguments: '"Paris, France"}' }),
        tool(1, { arguments: '"Bogotá, Colombia"}' }),
        chunk({}, "tool_calls"),
      ],
      usage(60, 30),
      encoder(functionCallRequest),
    );
    expect(out).toEqual(
      asServed(interleavedCalls({ resp: `resp_${REQ}`, fc0: `fc_${REQ}_0`, fc1: `fc_${REQ}_1` }), {}),
    );
  });

  it("closes the message before a call starts, and starts a new message for text after the calls", () => {
    const out = run([
      chunk({ content: "Checking." }),
      tool(0, { name: "f", arguments: "{}" }, "call_a"),
      chunk({ content: "Done." }),
      chunk({}, "stop"),
    ]);
    expect(types(out)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const final = out.at(-1)!.data.response as { output: { type: string; id: string }[] };
    expect(final.output.map((o) => [o.type, o.id])).toEqual([
      ["message", `msg_${REQ}_0`],
      ["function_call", `fc_${REQ}_1`],
      ["message", `msg_${REQ}_2`],
    ]);
  });

  it("waits for a call's name before announcing it, keeping the arguments that came first; a nameless call still shows at the end", () => {
    const out = run([
      tool(0, { arguments: '{"a":' }, "call_x"),
      tool(0, { name: "f", arguments: "1}" }),
      tool(1, { arguments: "{}" }, "call_y"),
      chunk({}, "tool_calls"),
    ]);
    const added = out.filter((e) => e.event === "response.output_item.added").map((e) => e.data.item);
    expect(added).toEqual([
      { type: "function_call", id: `fc_${REQ}_0`, call_id: "call_x", name: "f", arguments: "", status: "in_progress" },
      { type: "function_call", id: `fc_${REQ}_1`, call_id: "call_y", name: "", arguments: "", status: "in_progress" },
    ]);
    const deltas = out
      .filter((e) => e.event === "response.function_call_arguments.delta")
      .map((e) => [e.data.output_index, e.data.delta]);
    // The arguments that waited for the name go out as one piece once the item is announced.
    expect(deltas).toEqual([
      [0, '{"a":1}'],
      [1, "{}"],
    ]);
  });

  it("gives a call without an upstream id a call_id", () => {
    const out = run([tool(0, { name: "f", arguments: "{}" }), chunk({}, "tool_calls")]);
    expect((out.at(-1)!.data.response as { output: { call_id: string }[] }).output[0]!.call_id).toBe(`call_${REQ}_0`);
  });

  it("ends a reply cut by the output limit with response.incomplete, its last item incomplete", () => {
    const out = run(
      [chunk({ content: "Once" }), chunk({ content: " upon" }), chunk({}, "length")],
      usage(10, 2),
      encoder({ ...textRequest, max_output_tokens: 2 }),
    );
    expect(out.at(-1)!.event).toBe("response.incomplete");
    expect(out.at(-1)!.data.response).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      max_output_tokens: 2,
      usage: usage(10, 2),
    });
    const done = out.find((e) => e.event === "response.output_item.done")!;
    expect(done.data.item).toMatchObject({
      status: "incomplete",
      content: [{ type: "output_text", text: "Once upon", annotations: [] }],
    });
    expect((out.at(-1)!.data.response as { output: unknown[] }).output).toEqual([done.data.item]);
  });

  it("streams a refusal as the message's refusal part", () => {
    const out = run([chunk({ refusal: "I can't" }), chunk({ refusal: " help." }), chunk({}, "stop")]);
    expect(types(out).slice(2, -1)).toEqual([
      "response.output_item.added",
      "response.content_part.added",
      "response.refusal.delta",
      "response.refusal.delta",
      "response.refusal.done",
      "response.content_part.done",
      "response.output_item.done",
    ]);
    expect(out.find((e) => e.event === "response.content_part.added")!.data.part).toEqual({
      type: "refusal",
      refusal: "",
    });
    expect(out.find((e) => e.event === "response.refusal.done")!.data).toMatchObject({
      refusal: "I can't help.",
      content_index: 0,
      output_index: 0,
    });
  });

  it("does not forward reasoning deltas or usage events", () => {
    const enc = encoder();
    expect(enc.push(chunk({ role: "assistant" }))).toHaveLength(2);
    expect(enc.push(chunk({ reasoning_content: "thinking…" }))).toEqual([]);
    expect(enc.push({ type: "usage", usage: { prompt_tokens: 5, completion_tokens: 1 }, partial: true })).toEqual([]);
  });

  it("ends a stream that broke with `error` and then `response.failed` carrying what was produced, and nothing after", () => {
    const enc = encoder();
    const frames = [
      ...enc.push(chunk({ content: "Hel" })),
      ...enc.push(tool(0, { name: "f", arguments: '{"a"' }, "call_1")),
      ...enc.fail(
        "oai stream failed after the response started: socket hang up",
        "upstream_stream_broken",
        usage(10, 3),
      ),
    ];
    expect(enc.finish(usage(10, 3))).toEqual([]);
    expect(enc.fail("again", "internal_error", null)).toEqual([]);
    const out = parseFrames(frames);
    expect(out.slice(-2).map((e) => e.event)).toEqual(["error", "response.failed"]);
    expect(out.at(-2)!.data).toEqual({
      type: "error",
      code: "upstream_stream_broken",
      message: "oai stream failed after the response started: socket hang up",
      param: null,
      sequence_number: out.length - 2,
    });
    expect(out.at(-1)!.data.response).toMatchObject({
      status: "failed",
      error: { code: "server_error", message: "oai stream failed after the response started: socket hang up" },
      usage: usage(10, 3),
      output: [
        { type: "message", status: "completed", content: [{ type: "output_text", text: "Hel", annotations: [] }] },
        { type: "function_call", status: "incomplete", call_id: "call_1", name: "f", arguments: '{"a"' },
      ],
    });
    expect(out.map((e) => e.data.sequence_number)).toEqual(out.map((_, i) => i));
  });

  it("opens the response before failing when nothing had been sent, and reports unknown usage as null", () => {
    const out = parseFrames(encoder().fail("accounting failed (request x)", "internal_error", null));
    expect(types(out)).toEqual(["response.created", "response.in_progress", "error", "response.failed"]);
    expect(out.at(-1)!.data.response).toMatchObject({ status: "failed", usage: null, output: [] });
  });

  it("still closes with response.completed when the reply produced nothing", () => {
    expect(types(run([], usage(3, 0)))).toEqual(["response.created", "response.in_progress", "response.completed"]);
  });
});
