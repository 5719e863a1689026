import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "../../tests/doubles/mock-upstream.ts";
import { closedPort, collect, collectUntilError, finishReasonOf, textOf, toolCallsOf, usageOf } from "../../tests/doubles/stream-helpers.ts";
import { createAnthropicAdapter, mapStopReason, toAnthropicRequest } from "./anthropic.ts";
import { UpstreamError, type ProviderConfig, type UpstreamChatRequest } from "./types.ts";

let mock: MockUpstream;
const config = (over: Partial<ProviderConfig> = {}): ProviderConfig => ({ slug: "claude", kind: "ANTHROPIC", baseUrl: mock.url, apiKey: "sk-ant-test", ...over });
const request = (over: Partial<UpstreamChatRequest> = {}): UpstreamChatRequest => ({
  model: "claude-test",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Say hello please" },
  ],
  ...over,
});
const signal = () => new AbortController().signal;

beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock.close();
});
afterEach(() => {
  mock.resetBehavior();
  mock.clearRequests();
});

async function rejection(p: Promise<unknown>): Promise<UpstreamError> {
  const err = await p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

describe("toAnthropicRequest", () => {
  it("extracts system and developer messages and merges same-role turns", () => {
    const out = toAnthropicRequest({
      model: "claude-test",
      messages: [
        { role: "system", content: "Rule one." },
        { role: "developer", content: [{ type: "text", text: "Rule two." }] },
        { role: "user", content: "first" },
        { role: "user", content: [{ type: "text", text: "second" }] },
        { role: "assistant", content: "answer" },
        { role: "user", content: "" },
        { role: "user", content: "third" },
      ],
    });
    expect(out.system).toBe("Rule one.\n\nRule two.");
    expect(out.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "first" }, { type: "text", text: "second" }] },
      { role: "assistant", content: [{ type: "text", text: "answer" }] },
      { role: "user", content: [{ type: "text", text: "third" }] },
    ]);
    expect(out.max_tokens).toBe(4096);
    expect(out.stream).toBe(true);
    expect(out).not.toHaveProperty("tools");
  });

  it("translates images: data URLs to base64 sources, http URLs to url sources", () => {
    const out = toAnthropicRequest({
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg", detail: "low" } },
          ],
        },
      ],
    });
    expect((out.messages as { content: unknown[] }[])[0]!.content).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
    ]);
  });

  it("turns tool_calls into tool_use blocks and tool messages into tool_result blocks of one user turn", () => {
    const out = toAnthropicRequest({
      model: "m",
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: "Checking.",
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "18C" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "22C" }] },
        { role: "user", content: "Thanks" },
      ],
    });
    expect(out.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "call_2", name: "get_weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "18C" },
          { type: "tool_result", tool_use_id: "call_2", content: [{ type: "text", text: "22C" }] },
          { type: "text", text: "Thanks" },
        ],
      },
    ]);
  });

  it("maps sampling, stop, user, tools and tool_choice", () => {
    const tools = [{ type: "function", function: { name: "f", description: "does f", parameters: { type: "object", properties: { a: { type: "number" } } } } }];
    const base = { model: "m", messages: [{ role: "user" as const, content: "hi" }], tools };
    const out = toAnthropicRequest({ ...base, max_completion_tokens: 77, temperature: 1.5, top_p: 0.9, stop: "END", user: "user-42", response_format: { type: "json_object" }, unknown_field: 1 });
    expect(out).toMatchObject({ max_tokens: 77, temperature: 1, top_p: 0.9, stop_sequences: ["END"], metadata: { user_id: "user-42" } });
    expect(out.tools).toEqual([{ name: "f", description: "does f", input_schema: { type: "object", properties: { a: { type: "number" } } } }]);
    expect(out).not.toHaveProperty("unknown_field");
    expect(out).not.toHaveProperty("response_format");
    expect(toAnthropicRequest({ ...base, max_tokens: 10, stop: ["a", "b"] })).toMatchObject({ max_tokens: 10, stop_sequences: ["a", "b"] });

    const choice = (tool_choice: unknown, extra = {}) => toAnthropicRequest({ ...base, tool_choice, ...extra }).tool_choice;
    expect(choice("auto")).toEqual({ type: "auto" });
    expect(choice("required")).toEqual({ type: "any" });
    expect(choice("none")).toEqual({ type: "none" });
    expect(choice({ type: "function", function: { name: "f" } })).toEqual({ type: "tool", name: "f" });
    expect(choice(undefined)).toBeUndefined();
    expect(choice("auto", { parallel_tool_calls: false })).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(toAnthropicRequest({ ...base, tools: undefined, tool_choice: "auto" })).not.toHaveProperty("tool_choice");
  });

  it("maps stop reasons", () => {
    expect(["end_turn", "stop_sequence", "max_tokens", "tool_use", "refusal", null].map(mapStopReason)).toEqual(["stop", "stop", "length", "tool_calls", "content_filter", "stop"]);
  });
});

describe("anthropic adapter against the mock upstream", () => {
  it("streams text with usage from message_start and message_delta, system prompt extracted", async () => {
    const events = await collect(await createAnthropicAdapter(config()).stream(request(), signal()));
    expect(events[0]).toMatchObject({ type: "chunk", choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] });
    expect(textOf(events)).toBe("Hello from the mock upstream.");
    expect(finishReasonOf(events)).toBe("stop");
    // message_start says output_tokens 1; message_delta's cumulative 6 wins. Input: 3 + 3 words.
    expect(events.at(-1)).toEqual({ type: "usage", usage: { prompt_tokens: 6, completion_tokens: 6 } });
    // The prompt's count is known at message_start: reported at once, as partial.
    expect(events[1]).toEqual({ type: "usage", usage: { prompt_tokens: 6, completion_tokens: 1 }, partial: true });
    const chunk = events[2]!;
    expect(chunk.type === "chunk" && chunk.raw).toMatchObject({ object: "chat.completion.chunk", id: expect.stringMatching(/^msg_mock_/), model: "claude-test" });

    const got = mock.requests[0]!;
    expect(got.path).toBe("/v1/messages");
    expect(got.body).toEqual({ model: "claude-test", system: "You are terse.", messages: [{ role: "user", content: [{ type: "text", text: "Say hello please" }] }], max_tokens: 4096, stream: true });
  });

  it("sends x-api-key and anthropic-version, never Authorization; no key header without a key", async () => {
    await collect(await createAnthropicAdapter(config()).stream(request(), signal()));
    await collect(await createAnthropicAdapter(config({ apiKey: null, baseUrl: `${mock.url}/v1/` })).stream(request(), signal()));
    const [withKey, without] = mock.requests;
    expect(withKey!.headers["x-api-key"]).toBe("sk-ant-test");
    expect(withKey!.headers["anthropic-version"]).toBe("2023-06-01");
    expect(withKey!.headers["content-type"]).toBe("application/json");
    expect(withKey!.headers.authorization).toBeUndefined();
    expect(without!.path).toBe("/v1/messages");
    expect(without!.headers["x-api-key"]).toBeUndefined();
  });

  it("adds cache tokens to the prompt count and reports them as classes of it", async () => {
    mock.setBehavior({ cacheReadTokens: 100, cacheCreationTokens: 20, reasoningTokens: 4 });
    const events = await collect(await createAnthropicAdapter(config()).stream(request(), signal()));
    // 6 uncached + 100 read + 20 written; output 6 pieces + 4 thinking tokens (inside output_tokens).
    expect(usageOf(events)).toEqual({ prompt_tokens: 126, completion_tokens: 10, cache_read_tokens: 100, cache_write_tokens: 20 });
    expect(events.find((e) => e.type === "usage")).toEqual({ type: "usage", usage: { prompt_tokens: 126, completion_tokens: 1, cache_read_tokens: 100, cache_write_tokens: 20 }, partial: true });
  });

  it("has reported the prompt's classes before a stream breaks, so the break is billed as Anthropic bills it", async () => {
    mock.setBehavior({ cacheReadTokens: 1_000, breakAfterChunks: 2 });
    const { events, error } = await collectUntilError(await createAnthropicAdapter(config()).stream(request(), signal()));
    expect((error as UpstreamError).status).toBe(502);
    expect(events.filter((e) => e.type === "usage")).toEqual([{ type: "usage", usage: { prompt_tokens: 1_006, completion_tokens: 1, cache_read_tokens: 1_000 }, partial: true }]);
  });

  it("rounds fractional counts a careless upstream sends instead of failing the charge", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(
        [
          { type: "message_start", message: { id: "m", model: "x", usage: { input_tokens: 10.4, cache_read_input_tokens: 2.6, output_tokens: 1 } } },
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "hi" } },
          { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2.5 } },
          { type: "message_stop" },
        ].map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(""),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const events = await collect(await createAnthropicAdapter(config({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })).stream(request(), signal()));
      expect(usageOf(events)).toEqual({ prompt_tokens: 13, completion_tokens: 3, cache_read_tokens: 3 });
    } finally {
      server.close();
    }
  });

  it("round-trips tools: tool_calls history out, tool_use stream back as tool_calls deltas", async () => {
    mock.setBehavior({ tokens: ["Let", " me", " check."], toolCall: { name: "get_weather", arguments: '{"city":"Paris"}' } });
    const req = request({
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [{ id: "toolu_prev", type: "function", function: { name: "get_weather", arguments: '{"city":"Lyon"}' } }] },
        { role: "tool", tool_call_id: "toolu_prev", content: "15C" },
      ],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
      tool_choice: "required",
    });
    const events = await collect(await createAnthropicAdapter(config()).stream(req, signal()));
    expect(textOf(events)).toBe("Let me check.");
    expect(toolCallsOf(events)).toEqual([{ id: expect.stringMatching(/^toolu_mock_/), name: "get_weather", arguments: '{"city":"Paris"}' }]);
    // The tool_use block is content block 1 upstream, but tool call 0 for OpenAI clients.
    const starts = events.flatMap((e) => (e.type === "chunk" ? e.choices.flatMap((c) => c.delta.tool_calls ?? []) : [])).filter((d) => d.id);
    expect(starts).toEqual([{ index: 0, id: expect.any(String), type: "function", function: { name: "get_weather", arguments: "" } }]);
    expect(finishReasonOf(events)).toBe("tool_calls");
    // 3 words in; 3 text pieces + 3 argument pieces out
    expect(usageOf(events)).toEqual({ prompt_tokens: 4, completion_tokens: 6 });

    const sent = mock.requests[0]!.body;
    expect(sent.tools).toEqual([{ name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }]);
    expect(sent.tool_choice).toEqual({ type: "any" });
    expect(sent.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_prev", name: "get_weather", input: { city: "Lyon" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_prev", content: "15C" }] },
    ]);
  });

  it("maps max_tokens and stop_sequence stop reasons", async () => {
    const truncated = await collect(await createAnthropicAdapter(config()).stream(request({ max_tokens: 2 }), signal()));
    expect(textOf(truncated)).toBe("Hello from");
    expect(finishReasonOf(truncated)).toBe("length");
    expect(usageOf(truncated)).toEqual({ prompt_tokens: 6, completion_tokens: 2 });
    expect(mock.requests[0]!.body.max_tokens).toBe(2);

    mock.setBehavior({ finishReason: "stop_sequence" });
    const stopped = await collect(await createAnthropicAdapter(config()).stream(request({ stop: ["upstream"] }), signal()));
    expect(finishReasonOf(stopped)).toBe("stop");
    expect(mock.requests[1]!.body.stop_sequences).toEqual(["upstream"]);
  });

  it("rejects a non-2xx answer with Anthropic's error message and status", async () => {
    mock.setBehavior({ status: 529, errorMessage: "Overloaded" });
    const err = await rejection(createAnthropicAdapter(config()).stream(request(), signal()));
    expect([err.status, err.message]).toEqual([529, "Overloaded"]);

    mock.setBehavior({ status: 400, errorMessage: "messages: at least one message is required" });
    const err2 = await rejection(createAnthropicAdapter(config()).stream(request(), signal()));
    expect([err2.status, err2.message]).toEqual([400, "messages: at least one message is required"]);

    mock.setBehavior({ status: 429, errorMessage: "slow down", retryAfter: 3 });
    const err3 = await rejection(createAnthropicAdapter(config()).stream(request(), signal()));
    expect([err3.status, err3.retryAfterSeconds]).toEqual([429, 3]);
  });

  it("throws from the iterator on an error event (overloaded → 529)", async () => {
    mock.setBehavior({ streamError: { afterChunks: 2, type: "overloaded_error", message: "Overloaded" } });
    const { events, error } = await collectUntilError(await createAnthropicAdapter(config()).stream(request(), signal()));
    expect(textOf(events)).toBe("Hello from");
    expect(error).toBeInstanceOf(UpstreamError);
    expect([(error as UpstreamError).status, (error as UpstreamError).message]).toEqual([529, "Overloaded"]);
  });

  it("keeps the key it sent out of the errors of an upstream that echoes it", async () => {
    const adapter = createAnthropicAdapter(config({ apiKey: "plain-words-key" }));
    mock.setBehavior({ status: 500, echoCredentials: true });
    const err = await rejection(adapter.stream(request(), signal()));
    expect([err.status, err.message]).toEqual([500, "mock error 500: Incorrect API key provided: [redacted]. (x-api-key: [redacted])"]);

    mock.setBehavior({ echoCredentials: true, streamError: { afterChunks: 1, type: "api_error" } });
    const { error } = await collectUntilError(await adapter.stream(request(), signal()));
    expect((error as UpstreamError).message).toBe("mock stream error: Incorrect API key provided: [redacted]. (x-api-key: [redacted])");
  });

  it("throws 502 when the socket breaks mid-stream", async () => {
    mock.setBehavior({ breakAfterChunks: 3 });
    const { events, error } = await collectUntilError(await createAnthropicAdapter(config()).stream(request(), signal()));
    expect(textOf(events)).toBe("Hello from the");
    expect([(error as UpstreamError).status, (error as UpstreamError).message]).toEqual([502, "upstream stream broke"]);
  });

  it("rejects with status 0 when nothing listens", async () => {
    const err = await rejection(createAnthropicAdapter(config({ baseUrl: `http://127.0.0.1:${await closedPort()}` })).stream(request(), signal()));
    expect(err.status).toBe(0);
  });

  it("aborting mid-stream cuts the upstream request and ends the iterator with 499", async () => {
    mock.setBehavior({ tokens: Array.from({ length: 100 }, (_, i) => ` w${i}`), chunkDelayMs: 20 });
    const ctrl = new AbortController();
    const iterator = (await createAnthropicAdapter(config()).stream(request(), ctrl.signal))[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) expect((await iterator.next()).done).toBe(false);
    ctrl.abort();
    const err = await rejection(iterator.next());
    expect([err.status, err.message]).toEqual([499, "aborted"]);
    const recorded = await mock.waitFor((r) => r.aborted, 1000);
    expect(recorded.finished).toBe(false);
  });
});
