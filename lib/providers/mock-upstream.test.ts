/** The mock upstream itself, checked with the official OpenAI SDK so its wire format is the real one. */
import Anthropic from "@anthropic-ai/sdk";
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
    const stream = await client.chat.completions.create({
      model: "b",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
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
    mock.setBehavior({
      tokens: ["a", "b"],
      reportPromptTokens: 1_200,
      cacheReadTokens: 1_000,
      cacheCreationTokens: 50,
      reasoningTokens: 8,
    });
    const stream = await client.chat.completions.create({
      model: "a",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: unknown = null;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toEqual({
      prompt_tokens: 1_200,
      completion_tokens: 10,
      total_tokens: 1_210,
      prompt_tokens_details: { cached_tokens: 1_000, cache_write_tokens: 50 },
      completion_tokens_details: { reasoning_tokens: 8 },
    });
  });

  it("applies one-shot behaviours in order, then per-model, then the default", async () => {
    mock.setBehavior({ tokens: ["model"] }, { model: "a" });
    mock.setBehavior({ tokens: ["once"] }, { once: true });
    const ask = async () =>
      (await client.chat.completions.create({ model: "a", messages })).choices[0]!.message.content;
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
    expect((err as Error).message).toContain(
      "mock error 401: Incorrect API key provided: sk-mock. (Authorization: Bearer sk-mock)",
    );
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

  it("streams several tool calls one after the other by index, and records parallel_tool_calls", async () => {
    mock.setBehavior({
      toolCalls: [
        { name: "get_weather", arguments: '{"city":"Paris"}' },
        { name: "get_time", arguments: '{"tz":"Europe/Paris"}' },
      ],
    });
    const stream = await client.chat.completions.create({ model: "a", messages, stream: true });
    const deltas: { index: number; id?: string; name?: string; args?: string }[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const d of chunk.choices[0]?.delta.tool_calls ?? [])
        deltas.push({ index: d.index, id: d.id, name: d.function?.name, args: d.function?.arguments });
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe("tool_calls");
    // Call 0 whole (announced with id and name, then its pieces), then call 1.
    expect(deltas.map((d) => d.index)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(deltas.filter((d) => d.id).map((d) => [d.index, d.name, d.args])).toEqual([
      [0, "get_weather", ""],
      [1, "get_time", ""],
    ]);
    const args = (i: number) =>
      deltas
        .filter((d) => d.index === i)
        .map((d) => d.args ?? "")
        .join("");
    expect([JSON.parse(args(0)), JSON.parse(args(1))]).toEqual([{ city: "Paris" }, { tz: "Europe/Paris" }]);
    expect(mock.requests[0]!.parallelToolCalls).toBeUndefined();

    const one = await client.chat.completions.create({ model: "a", messages, parallel_tool_calls: false });
    expect(one.choices[0]!.message.tool_calls!.map((c) => c.type === "function" && c.function.name)).toEqual([
      "get_weather",
    ]);
    expect(mock.requests[1]!.parallelToolCalls).toBe(false);
  });
});

describe("mock upstream (Anthropic side)", () => {
  const post = (body: unknown, signal?: AbortSignal) =>
    fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "k", "anthropic-version": "2023-06-01" },
      body: JSON.stringify(body),
      signal,
    });

  it("answers non-streaming messages", async () => {
    const res = await post({
      model: "claude",
      max_tokens: 10,
      system: "be nice",
      messages: [{ role: "user", content: "one two" }],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      type: "message",
      role: "assistant",
      content: [{ type: "text", text: "Hello from the mock upstream." }],
      stop_reason: "end_turn",
      usage: { input_tokens: 4, output_tokens: 6 },
    });
  });

  it("streams the Messages event sequence", async () => {
    const res = await post({
      model: "claude",
      max_tokens: 10,
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "one two" }] }],
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const names: string[] = [];
    for await (const e of readSseEvents(res.body!)) {
      expect(JSON.parse(e.data).type).toBe(e.event);
      names.push(e.event!);
    }
    expect(names).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      ...Array(6).fill("content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  it("reports cache fields in message_start and (cumulative) message_delta when asked", async () => {
    mock.setBehavior({ cacheReadTokens: 1_000, cacheCreationTokens: 200, reasoningTokens: 4 });
    const res = await post({
      model: "claude",
      max_tokens: 10,
      stream: true,
      messages: [{ role: "user", content: "one two" }],
    });
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

  it("streams several tool_use blocks as Anthropic does, read back whole by the official SDK", async () => {
    mock.setBehavior({
      tokens: ["Checking", " both."],
      toolCalls: [
        { name: "get_weather", arguments: '{"city":"Paris"}' },
        { name: "get_time", arguments: '{"tz":"Europe/Paris"}' },
      ],
    });
    const anthropic = new Anthropic({ baseURL: mock.url, apiKey: "k", maxRetries: 0 });
    const stream = anthropic.messages.stream({
      model: "claude",
      max_tokens: 100,
      messages: [{ role: "user", content: "one two" }],
    });
    const names: string[] = [];
    stream.on("streamEvent", (e) =>
      names.push(
        e.type === "content_block_delta"
          ? `${e.type}:${e.index}:${e.delta.type}`
          : e.type === "content_block_start" || e.type === "content_block_stop"
            ? `${e.type}:${e.index}`
            : e.type,
      ),
    );
    const message = await stream.finalMessage();
    expect(message.content).toEqual([
      { type: "text", text: "Checking both." },
      {
        type: "tool_use",
        id: expect.stringMatching(/^toolu_mock_\d+_0$/),
        name: "get_weather",
        input: { city: "Paris" },
      },
      {
        type: "tool_use",
        id: expect.stringMatching(/^toolu_mock_\d+_1$/),
        name: "get_time",
        input: { tz: "Europe/Paris" },
      },
    ]);
    expect(message.stop_reason).toBe("tool_use");
    // One block at a time: each tool_use block starts, streams its input in pieces, and stops before the next.
    const blocks = names.filter((n) => n.startsWith("content_block"));
    expect(blocks.filter((n) => n.startsWith("content_block_start") || n.startsWith("content_block_stop"))).toEqual([
      "content_block_start:0",
      "content_block_stop:0",
      "content_block_start:1",
      "content_block_stop:1",
      "content_block_start:2",
      "content_block_stop:2",
    ]);
    expect(blocks.filter((n) => n === "content_block_delta:2:input_json_delta").length).toBeGreaterThanOrEqual(3);
    expect(mock.requests[0]!.parallelToolCalls).toBeUndefined();

    await post({
      model: "claude",
      max_tokens: 10,
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      messages: [{ role: "user", content: "x" }],
    }).then((r) => r.json());
    expect(mock.requests[1]!.parallelToolCalls).toBe(false);
  });

  it("returns Anthropic-shaped errors and enforces the key when configured", async () => {
    const strict = await startMockUpstream({ apiKey: "right" });
    try {
      const res = await fetch(`${strict.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": "wrong" },
        body: JSON.stringify({ model: "m", messages: [] }),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        type: "error",
        error: { type: "authentication_error", message: "invalid api key" },
      });
    } finally {
      await strict.close();
    }
  });

  it("echoes x-api-key in an in-stream error event when asked", async () => {
    mock.setBehavior({ echoCredentials: true, streamError: { afterChunks: 1, type: "api_error" } });
    const res = await post({
      model: "claude",
      max_tokens: 10,
      stream: true,
      messages: [{ role: "user", content: "x" }],
    });
    const errors = [];
    for await (const e of readSseEvents(res.body!)) if (e.event === "error") errors.push(JSON.parse(e.data));
    expect(errors).toEqual([
      {
        type: "error",
        error: { type: "api_error", message: "mock stream error: Incorrect API key provided: k. (x-api-key: k)" },
      },
    ]);
  });

  it("records a client that disconnects from a hanging request as aborted", async () => {
    mock.setBehavior({ hangForever: true });
    const ctrl = new AbortController();
    const pending = post(
      { model: "claude", max_tokens: 10, stream: true, messages: [{ role: "user", content: "x" }] },
      ctrl.signal,
    ).catch(() => "aborted");
    await mock.waitFor(() => true);
    ctrl.abort();
    expect(await pending).toBe("aborted");
    const rec = await mock.waitFor((r) => r.aborted, 1000);
    expect(rec.finished).toBe(false);
  });

  it("close() ends hanging requests instead of waiting for them", async () => {
    const other = await startMockUpstream({ behavior: { hangForever: true } });
    const pending = fetch(`${other.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [] }),
    }).catch(() => "failed");
    await other.waitFor(() => true);
    await other.close();
    expect(await pending).toBe("failed");
  });
});
