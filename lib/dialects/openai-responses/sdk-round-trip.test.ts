/**
 * What this dialect writes, read back by the official `openai` SDK's own parsers (its SSE reader
 * and its Responses stream accumulator, served through the client's `fetch` option): the stream
 * the SDK assembles is the very Response the non-streamed reply gives for the same upstream
 * events, and a broken stream fails the SDK's helper instead of passing for a finished reply.
 */
import OpenAI from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { describe, expect, it } from "vitest";
import { CompletionAccumulator } from "../../gateway/accumulator.ts";
import type { ReplyResult } from "../../gateway/reply-dialect.ts";
import type { ChunkDelta, UpstreamEvent } from "../../providers/types.ts";
import { responsesDialect } from "./dialect.ts";
import { responsesRequestSchema } from "./schema.ts";
import {
  emailTool,
  functionCallRequest,
  STREAMED_ARGUMENT_PIECES,
  STREAMED_TEXT_PIECES,
  streamedTextRequest,
  weatherTool,
} from "./test-fixtures.ts";

const REQ = "3c9d2e1f-0a4b-4c5d-9e6f-7a8b9c0d1e2f";
const chunk = (delta: ChunkDelta, finish_reason: string | null = null): UpstreamEvent => ({
  type: "chunk",
  choices: [{ index: 0, delta, finish_reason }],
});
const tool = (index: number, fn: { name?: string; arguments?: string }, id?: string): UpstreamEvent =>
  chunk({ tool_calls: [{ index, ...(id ? { id, type: "function" as const } : {}), function: fn }] });
const RESULT: ReplyResult = { chargedMicros: 1234, availableMicros: 9_000_000, promptTokens: 40, completionTokens: 12 };

type Params = {
  model: string;
  input: string | OpenAI.Responses.ResponseInput;
  tools?: OpenAI.Responses.Tool[];
  instructions?: string;
};

/** The dialect's two forms of one reply, as the pipeline drives them. */
function reply(raw: Params, events: UpstreamEvent[], end: { fail?: string } = {}) {
  const dialect = responsesDialect(responsesRequestSchema.parse(raw));
  const meta = (acc: CompletionAccumulator) => ({
    requestId: REQ,
    completionId: `chatcmpl-${REQ}`,
    created: 1741290958,
    model: "oai/mock-small",
    acc,
  });
  const bodyAcc = new CompletionAccumulator();
  events.forEach((e) => bodyAcc.add(e));
  const streamAcc = new CompletionAccumulator();
  const stream = dialect.stream(meta(streamAcc));
  const frames = events.flatMap((e) => {
    streamAcc.add(e);
    return stream.push(e);
  });
  frames.push(...(end.fail ? stream.fail(end.fail, "upstream_stream_broken", RESULT) : stream.end(RESULT)));
  const sse = Buffer.concat(frames).toString("utf8");
  return { body: dialect.body(meta(bodyAcc), RESULT), sse };
}

/** An SDK client whose every request is answered with `answer` (JSON, or an SSE text). */
function client(answer: { json: unknown } | { sse: string }): OpenAI {
  return new OpenAI({
    apiKey: "sk-test",
    baseURL: "http://gateway.test/api/v1",
    maxRetries: 0,
    fetch: async () =>
      "json" in answer
        ? Response.json(answer.json)
        : new Response(answer.sse, { headers: { "content-type": "text/event-stream" } }),
  });
}

const SCENARIOS: [string, Params, UpstreamEvent[]][] = [
  [
    "a text reply",
    {
      model: streamedTextRequest.model,
      instructions: streamedTextRequest.instructions,
      input: streamedTextRequest.input,
    },
    [
      chunk({ role: "assistant", content: "" }),
      ...STREAMED_TEXT_PIECES.map((content) => chunk({ content })),
      chunk({}, "stop"),
      { type: "usage", usage: { prompt_tokens: 37, completion_tokens: 11 } },
    ],
  ],
  [
    "a function call",
    functionCallRequest as Params,
    [
      tool(0, { name: "get_weather", arguments: "" }, "call_1234xyz"),
      ...STREAMED_ARGUMENT_PIECES.map((a) => tool(0, { arguments: a })),
      chunk({}, "tool_calls"),
    ],
  ],
  [
    "text, then two parallel calls with interleaved arguments",
    { ...(functionCallRequest as Params), tools: [weatherTool, emailTool] as OpenAI.Responses.Tool[] },
    [
      chunk({ content: "Checking " }),
      chunk({ content: "both." }),
      tool(0, { name: "get_weather", arguments: "" }, "call_a"),
      tool(1, { name: "send_email", arguments: '{"to":' }, "call_b"),
      tool(0, { arguments: '{"location":"Paris, France"}' }),
      tool(1, { arguments: '"bob@email.com","subject":"Hi","body":"Hi bob"}' }),
      chunk({}, "tool_calls"),
    ],
  ],
  [
    "a reply cut by max_output_tokens",
    { model: "auto", input: "Tell me a story" },
    [chunk({ content: "Once" }), chunk({ content: " upon" }), chunk({}, "length")],
  ],
];

describe("the official openai SDK reads this dialect", () => {
  it.each(SCENARIOS)(
    "assembles from the stream of %s the same Response the non-streamed reply gives",
    async (_name, params, events) => {
      const { body, sse } = reply(params, events);
      // parse(), not create(): the stream helper adds the same parsed fields parse() does.
      const plain = await client({ json: body }).responses.parse(params);
      const streamed = await client({ sse }).responses.stream(params).finalResponse();
      expect(streamed).toEqual(plain);
      expect((await client({ json: body }).responses.create({ ...params, stream: false })).output_text).toBe(
        plain.output_text,
      );
      expect(plain.usage).toEqual({
        input_tokens: 40,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 12,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 52,
      });
    },
  );

  it("gives output_text and function calls as the SDK's helpers expect them", async () => {
    const [, params, events] = SCENARIOS[2]!;
    const { sse } = reply(params, events);
    const final = await client({ sse }).responses.stream(params).finalResponse();
    expect(final.output_text).toBe("Checking both.");
    const calls = final.output.filter((o) => o.type === "function_call");
    expect(calls.map((c) => [c.call_id, c.name, JSON.parse(c.arguments)])).toEqual([
      ["call_a", "get_weather", { location: "Paris, France" }],
      ["call_b", "send_email", { to: "bob@email.com", subject: "Hi", body: "Hi bob" }],
    ]);
    // The tools are strict, so the SDK parses the arguments itself.
    expect(calls.map((c) => (c as { parsed_arguments?: unknown }).parsed_arguments)).toEqual([
      { location: "Paris, France" },
      { to: "bob@email.com", subject: "Hi", body: "Hi bob" },
    ]);
  });

  it("yields every event of `create({ stream: true })` in order, typed and numbered", async () => {
    const [, params, events] = SCENARIOS[0]!;
    const seen: ResponseStreamEvent[] = [];
    for await (const event of await client({ sse: reply(params, events).sse }).responses.create({
      ...params,
      stream: true,
    }))
      seen.push(event);
    expect(seen.map((e) => e.sequence_number)).toEqual(seen.map((_, i) => i));
    expect(seen[0]!.type).toBe("response.created");
    expect(seen.at(-1)!.type).toBe("response.completed");
    expect(seen.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta)).toEqual(
      STREAMED_TEXT_PIECES,
    );
  });

  it("sees a broken stream as failed: `error` then `response.failed`, and finalResponse() rejects", async () => {
    const [, params] = SCENARIOS[0]!;
    const { sse } = reply(params, [chunk({ content: "Hel" })], {
      fail: "oai stream failed after the response started: socket hang up",
    });
    const seen: ResponseStreamEvent[] = [];
    for await (const event of await client({ sse }).responses.create({ ...params, stream: true })) seen.push(event);
    expect(seen.slice(-2).map((e) => e.type)).toEqual(["error", "response.failed"]);
    const failed = seen.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    expect(failed.response.status).toBe("failed");
    expect(failed.response.error).toEqual({
      code: "server_error",
      message: "oai stream failed after the response started: socket hang up",
    });
    expect(failed.response.usage?.output_tokens).toBe(12);

    const failure = await client({ sse })
      .responses.stream(params)
      .finalResponse()
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({
      type: "error",
      code: "upstream_stream_broken",
      message: "oai stream failed after the response started: socket hang up",
    });
  });
});
