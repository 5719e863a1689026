/** The mock upstream itself, checked with the official OpenAI SDK so its wire format is the real one. */
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "../../tests/doubles/mock-upstream.ts";
import { readSseEvents } from "./sse.ts";

let mock: MockUpstream;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream({ models: ["a", "b"] });
  client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: "sk-mock", maxRetries: 0 });
});
afterAll(async () => {
  await mock.close();
});
afterEach(() => {
  mock.resetBehavior();
  mock.clearRequests();
});

const messages = [{ role: "user" as const, content: "one two three" }];

describe("mock upstream (OpenAI side, via the openai SDK)", () => {
  it("lists models", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(["a", "b"]);
  });

  it("answers non-streaming completions with deterministic usage", async () => {
    const res = await client.chat.completions.create({ model: "a", messages });
    expect(res.object).toBe("chat.completion");
    expect(res.choices[0]!.message.content).toBe("Hello from the mock upstream.");
    expect(res.usage).toEqual({ prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 });
    expect(mock.requests[0]!.headers.authorization).toBe("Bearer sk-mock");
  });

  it("streams chunks, a usage chunk when asked, and [DONE]", async () => {
    mock.setBehavior({ tokens: ["a", "b", "c"] }, { model: "b" });
    const stream = await client.chat.completions.create({ model: "b", messages, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage: unknown = null;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect([text, finish]).toEqual(["abc", "stop"]);
    expect(usage).toEqual({ prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 });
  });

  it("reports cache reads, cache writes and reasoning in OpenAI's usage details when asked", async () => {
    mock.setBehavior({ tokens: ["a", "b"], reportPromptTokens: 1_200, cacheReadTokens: 1_000, cacheCreationTokens: 50, reasoningTokens: 8 });
    const stream = await client.chat.completions.create({ model: "a", messages, stream: true, stream_options: { include_usage: true } });
    let usage: unknown = null;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toEqual({
      prompt_tokens: 1_200, completion_tokens: 10, total_tokens: 1_210,
      prompt_tokens_details: { cached_tokens: 1_000, cache_write_tokens: 50 }, completion_tokens_details: { reasoning_tokens: 8 },
    });
  });

  it("applies one-shot behaviours in order, then per-model, then the default", async () => {
    mock.setBehavior({ tokens: ["model"] }, { model: "a" });
    mock.setBehavior({ tokens: ["once"] }, { once: true });
    const ask = async () => (await client.chat.completions.create({ model: "a", messages })).choices[0]!.message.content;
    expect(await ask()).toBe("once");
    expect(await ask()).toBe("model");
    const other = await client.chat.completions.create({ model: "b", messages });
    expect(other.choices[0]!.message.content).toBe("Hello from the mock upstream.");
  });

  it("returns OpenAI-shaped errors", async () => {
    mock.setBehavior({ status: 429, errorMessage: "too many", retryAfter: 2 });
    const err = await client.chat.completions.create({ model: "a", messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).message).toContain("too many");
  });

  it("echoes the caller's credentials in error bodies when asked, as careless upstreams do", async () => {
    mock.setBehavior({ status: 401, echoCredentials: true });
    const err = await client.chat.completions.create({ model: "a", messages }).catch((e: unknown) => e);
    expect((err as Error).message).toContain("mock error 401: Incorrect API key provided: sk-mock. (Authorization: Bearer sk-mock)");
  });

  it("streams tool calls", async () => {
    mock.setBehavior({ toolCall: { name: "f", arguments: '{"x":1}' } });
    const stream = await client.chat.completions.create({ model: "a", messages, stream: true });
    let args = "";
    let name = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      name += call?.function?.name ?? "";
      args += call?.function?.arguments ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect([name, args, finish]).toEqual(["f", '{"x":1}', "tool_calls"]);
  });
});

describe("mock upstream (Anthropic side)", () => {
  const post = (body: unknown, signal?: AbortSignal) =>
    fetch(`${mock.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": "k", "anthropic-version": "2023-06-01" }, body: JSON.stringify(body), signal });

  it("answers non-streaming messages", async () => {
    const res = await post({ model: "claude", max_tokens: 10, system: "be nice", messages: [{ role: "user", content: "one two" }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ type: "message", role: "assistant", content: [{ type: "text", text: "Hello from the mock upstream." }], stop_reason: "end_turn", usage: { input_tokens: 4, output_tokens: 6 } });
  });

  it("streams the Messages event sequence", async () => {
    const res = await post({ model: "claude", max_tokens: 10, stream: true, messages: [{ role: "user", content: [{ type: "text", text: "one two" }] }] });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const names: string[] = [];
    for await (const e of readSseEvents(res.body!)) {
      expect(JSON.parse(e.data).type).toBe(e.event);
      names.push(e.event!);
    }
    expect(names).toEqual(["message_start", "content_block_start", "ping", ...Array(6).fill("content_block_delta"), "content_block_stop", "message_delta", "message_stop"]);
  });

  it("reports cache fields in message_start and (cumulative) message_delta when asked", async () => {
    mock.setBehavior({ cacheReadTokens: 1_000, cacheCreationTokens: 200, reasoningTokens: 4 });
    const res = await post({ model: "claude", max_tokens: 10, stream: true, messages: [{ role: "user", content: "one two" }] });
    const usage: Record<string, unknown> = {};
    for await (const e of readSseEvents(res.body!)) {
      const data = JSON.parse(e.data);
      if (e.event === "message_start") usage.start = data.message.usage;
      if (e.event === "message_delta") usage.delta = data.usage;
    }
    expect(usage).toEqual({
      start: { input_tokens: 2, output_tokens: 1, cache_read_input_tokens: 1_000, cache_creation_input_tokens: 200 },
      // 6 pieces + 4 thinking tokens, inside output_tokens as Anthropic counts them.
      delta: { input_tokens: 2, output_tokens: 10, cache_read_input_tokens: 1_000, cache_creation_input_tokens: 200 },
    });
  });

  it("returns Anthropic-shaped errors and enforces the key when configured", async () => {
    const strict = await startMockUpstream({ apiKey: "right" });
    try {
      const res = await fetch(`${strict.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": "wrong" }, body: JSON.stringify({ model: "m", messages: [] }) });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ type: "error", error: { type: "authentication_error", message: "invalid api key" } });
    } finally {
      await strict.close();
    }
  });

  it("echoes x-api-key in an in-stream error event when asked", async () => {
    mock.setBehavior({ echoCredentials: true, streamError: { afterChunks: 1, type: "api_error" } });
    const res = await post({ model: "claude", max_tokens: 10, stream: true, messages: [{ role: "user", content: "x" }] });
    const errors = [];
    for await (const e of readSseEvents(res.body!)) if (e.event === "error") errors.push(JSON.parse(e.data));
    expect(errors).toEqual([{ type: "error", error: { type: "api_error", message: "mock stream error: Incorrect API key provided: k. (x-api-key: k)" } }]);
  });

  it("records a client that disconnects from a hanging request as aborted", async () => {
    mock.setBehavior({ hangForever: true });
    const ctrl = new AbortController();
    const pending = post({ model: "claude", max_tokens: 10, stream: true, messages: [{ role: "user", content: "x" }] }, ctrl.signal).catch(() => "aborted");
    await mock.waitFor(() => true);
    ctrl.abort();
    expect(await pending).toBe("aborted");
    const rec = await mock.waitFor((r) => r.aborted, 1000);
    expect(rec.finished).toBe(false);
  });

  it("close() ends hanging requests instead of waiting for them", async () => {
    const other = await startMockUpstream({ behavior: { hangForever: true } });
    const pending = fetch(`${other.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "m", messages: [] }) }).catch(() => "failed");
    await other.waitFor(() => true);
    await other.close();
    expect(await pending).toBe("failed");
  });
});
