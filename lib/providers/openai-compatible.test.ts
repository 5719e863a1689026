import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "../../tests/doubles/mock-upstream.ts";
import {
  closedPort,
  collect,
  collectUntilError,
  finishReasonOf,
  textOf,
  toolCallsOf,
  usageOf,
} from "../../tests/doubles/stream-helpers.ts";
import { createOpenAiCompatibleAdapter, readUsage } from "./openai-compatible.ts";
import { UpstreamError, type ProviderConfig, type UpstreamChatRequest } from "./types.ts";

let mock: MockUpstream;
const config = (over: Partial<ProviderConfig> = {}): ProviderConfig => ({
  slug: "mock",
  kind: "OPENAI_COMPATIBLE",
  baseUrl: `${mock.url}/v1`,
  apiKey: "sk-test-123",
  ...over,
});
const request = (over: Partial<UpstreamChatRequest> = {}): UpstreamChatRequest => ({
  model: "mock-small",
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

describe("openai-compatible adapter", () => {
  it("streams text and reports the upstream's exact usage last", async () => {
    const events = await collect(await createOpenAiCompatibleAdapter(config()).stream(request(), signal()));
    expect(textOf(events)).toBe("Hello from the mock upstream.");
    expect(finishReasonOf(events)).toBe("stop");
    // 3 + 3 words in; 6 pieces out
    expect(events.at(-1)).toEqual({ type: "usage", usage: { prompt_tokens: 6, completion_tokens: 6 } });
    expect(events.filter((e) => e.type === "usage")).toHaveLength(1);
    const first = events[0]!;
    expect(first.type === "chunk" && first.choices[0]!.delta.role).toBe("assistant");
    expect(first.type === "chunk" && first.raw?.object).toBe("chat.completion.chunk");
    expect(first.type === "chunk" && first.raw?.id).toMatch(/^chatcmpl-mock-/);
    const recorded = await mock.waitFor((r) => r.finished, 1000);
    expect(recorded.aborted).toBe(false);
  });

  it("passes the request through unchanged, adding stream and include_usage", async () => {
    const tools = [
      {
        type: "function",
        function: {
          name: "lookup",
          description: "Looks up",
          parameters: { type: "object", properties: { q: { type: "string" } } },
        },
      },
    ];
    const req = request({
      tools,
      tool_choice: "auto",
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
      seed: 42,
      some_vendor_field: { nested: [1, 2] },
      stream_options: { custom: true },
      temperature: 0.3,
      max_tokens: 100,
    });
    await collect(await createOpenAiCompatibleAdapter(config()).stream(req, signal()));
    expect(mock.requests).toHaveLength(1);
    const got = mock.requests[0]!;
    expect(got.method).toBe("POST");
    expect(got.path).toBe("/v1/chat/completions");
    expect(got.body).toEqual({ ...req, stream: true, stream_options: { custom: true, include_usage: true } });
  });

  it("sends Authorization only when there is a key, and strips a trailing slash from the base URL", async () => {
    await collect(
      await createOpenAiCompatibleAdapter(config({ baseUrl: `${mock.url}/v1/` })).stream(request(), signal()),
    );
    await collect(await createOpenAiCompatibleAdapter(config({ apiKey: null })).stream(request(), signal()));
    expect(mock.requests.map((r) => r.path)).toEqual(["/v1/chat/completions", "/v1/chat/completions"]);
    expect(mock.requests[0]!.headers.authorization).toBe("Bearer sk-test-123");
    expect(mock.requests[0]!.headers["content-type"]).toBe("application/json");
    expect(mock.requests[1]!.headers.authorization).toBeUndefined();
  });

  it("rejects a non-2xx answer with its status, the upstream's message and Retry-After", async () => {
    mock.setBehavior({ status: 429, errorMessage: "Rate limit reached for requests", retryAfter: 7 });
    const err = await rejection(createOpenAiCompatibleAdapter(config()).stream(request(), signal()));
    expect(err.status).toBe(429);
    expect(err.message).toBe("Rate limit reached for requests");
    expect(err.retryAfterSeconds).toBe(7);

    mock.setBehavior({ status: 500, errorMessage: "The server had an error" });
    const err2 = await rejection(createOpenAiCompatibleAdapter(config()).stream(request(), signal()));
    expect([err2.status, err2.message, err2.retryAfterSeconds]).toEqual([500, "The server had an error", undefined]);
  });

  it("gets a 401 from an upstream that checks keys", async () => {
    const strict = await startMockUpstream({ apiKey: "right" });
    try {
      const err = await rejection(
        createOpenAiCompatibleAdapter({ ...config(), baseUrl: `${strict.url}/v1`, apiKey: "wrong" }).stream(
          request(),
          signal(),
        ),
      );
      expect([err.status, err.message]).toEqual([401, "invalid api key"]);
      const ok = await collect(
        await createOpenAiCompatibleAdapter({ ...config(), baseUrl: `${strict.url}/v1`, apiKey: "right" }).stream(
          request(),
          signal(),
        ),
      );
      expect(textOf(ok)).toBe("Hello from the mock upstream.");
    } finally {
      await strict.close();
    }
  });

  it("keeps the key it sent out of the errors of an upstream that echoes it", async () => {
    const adapter = createOpenAiCompatibleAdapter(config({ apiKey: "plain-words-key" }));
    mock.setBehavior({ status: 401, echoCredentials: true });
    const err = await rejection(adapter.stream(request(), signal()));
    expect([err.status, err.message]).toEqual([
      401,
      "mock error 401: Incorrect API key provided: [redacted]. (Authorization: Bearer [redacted])",
    ]);

    mock.setBehavior({ echoCredentials: true, streamError: { afterChunks: 1, message: "model crashed" } });
    const { error } = await collectUntilError(await adapter.stream(request(), signal()));
    expect((error as UpstreamError).message).toBe(
      "model crashed: Incorrect API key provided: [redacted]. (Authorization: Bearer [redacted])",
    );
  });

  it("keeps credentials in the base URL out of the unreachable error", async () => {
    const err = await rejection(
      createOpenAiCompatibleAdapter(
        config({ baseUrl: `http://someone:hunter2-pass@127.0.0.1:${mock.port}/v1` }),
      ).stream(request(), signal()),
    );
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/^upstream unreachable \(.*http:\/\/\[redacted\]@127\.0\.0\.1/);
    expect(err.message).not.toContain("hunter2");
  });

  it("rejects with status 0 when nothing listens", async () => {
    const port = await closedPort();
    const err = await rejection(
      createOpenAiCompatibleAdapter(config({ baseUrl: `http://127.0.0.1:${port}/v1` })).stream(request(), signal()),
    );
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/unreachable/);
  });

  it("aborting mid-stream cuts the upstream request and ends the iterator with 499", async () => {
    mock.setBehavior({ tokens: Array.from({ length: 100 }, (_, i) => ` w${i}`), chunkDelayMs: 20 });
    const ctrl = new AbortController();
    const iterator = (await createOpenAiCompatibleAdapter(config()).stream(request(), ctrl.signal))[
      Symbol.asyncIterator
    ]();
    for (let i = 0; i < 3; i++) expect((await iterator.next()).done).toBe(false);
    const t0 = Date.now();
    ctrl.abort();
    const err = await rejection(iterator.next());
    expect([err.status, err.message]).toEqual([499, "aborted"]);
    const recorded = await mock.waitFor((r) => r.aborted, 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(recorded.finished).toBe(false);
  });

  it("aborting before the upstream answers rejects stream() with 499", async () => {
    mock.setBehavior({ hangForever: true });
    const ctrl = new AbortController();
    const pending = createOpenAiCompatibleAdapter(config()).stream(request(), ctrl.signal);
    await mock.waitFor(() => true);
    ctrl.abort();
    const err = await rejection(pending);
    expect(err.status).toBe(499);
    await mock.waitFor((r) => r.aborted, 1000);
  });

  it("maps an AbortSignal.timeout() to 408", async () => {
    mock.setBehavior({ delayResponseMs: 5000 });
    const err = await rejection(createOpenAiCompatibleAdapter(config()).stream(request(), AbortSignal.timeout(50)));
    expect(err.status).toBe(408);
  });

  it("throws 502 from the iterator when the socket breaks mid-stream", async () => {
    mock.setBehavior({ breakAfterChunks: 2 });
    const { events, error } = await collectUntilError(
      await createOpenAiCompatibleAdapter(config()).stream(request(), signal()),
    );
    expect(textOf(events)).toBe("Hello from");
    expect(error).toBeInstanceOf(UpstreamError);
    expect([(error as UpstreamError).status, (error as UpstreamError).message]).toEqual([502, "upstream stream broke"]);
  });

  it("throws 502 when the stream ends without [DONE] or a finish_reason", async () => {
    mock.setBehavior({ endAfterChunks: 3 });
    const { events, error } = await collectUntilError(
      await createOpenAiCompatibleAdapter(config()).stream(request(), signal()),
    );
    expect(textOf(events)).toBe("Hello from the");
    expect((error as UpstreamError).status).toBe(502);
  });

  it("throws the message of an error object sent inside the stream", async () => {
    mock.setBehavior({ streamError: { afterChunks: 1, type: "server_error", message: "model crashed" } });
    const { events, error } = await collectUntilError(
      await createOpenAiCompatibleAdapter(config()).stream(request(), signal()),
    );
    expect(textOf(events)).toBe("Hello");
    expect(error).toBeInstanceOf(UpstreamError);
    expect([(error as UpstreamError).status, (error as UpstreamError).message]).toEqual([500, "model crashed"]);
  });

  it("passes tool-call deltas through", async () => {
    mock.setBehavior({ toolCall: { name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' } });
    const events = await collect(await createOpenAiCompatibleAdapter(config()).stream(request(), signal()));
    const calls = toolCallsOf(events);
    expect(calls).toEqual([
      { id: expect.stringMatching(/^call_mock_/), name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' },
    ]);
    expect(finishReasonOf(events)).toBe("tool_calls");
    expect(usageOf(events)).toEqual({ prompt_tokens: 6, completion_tokens: 3 });
  });

  it("ends without a usage event when the upstream sends none", async () => {
    mock.setBehavior({ omitUsage: true, finishReason: "length" });
    const events = await collect(await createOpenAiCompatibleAdapter(config()).stream(request(), signal()));
    expect(usageOf(events)).toBeUndefined();
    expect(finishReasonOf(events)).toBe("length");
  });

  it("accepts a server that answers with one JSON completion despite stream:true", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "c1",
          object: "chat.completion",
          model: "m",
          choices: [{ index: 0, message: { role: "assistant", content: "plain" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 },
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const events = await collect(
        await createOpenAiCompatibleAdapter(config({ baseUrl: base })).stream(request(), signal()),
      );
      expect(textOf(events)).toBe("plain");
      expect(finishReasonOf(events)).toBe("stop");
      expect(usageOf(events)).toEqual({ prompt_tokens: 4, completion_tokens: 1 });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("releases the upstream when the consumer stops early", async () => {
    mock.setBehavior({ tokens: Array.from({ length: 100 }, (_, i) => ` w${i}`), chunkDelayMs: 20 });
    const iterable = await createOpenAiCompatibleAdapter(config()).stream(request(), signal());
    let n = 0;
    for await (const _ of iterable) if (++n === 2) break;
    const recorded = await mock.waitFor((r) => r.aborted, 1000);
    expect(recorded.finished).toBe(false);
  });
});

describe("usage by token class", () => {
  it("reads cache and reasoning counts from a streamed usage chunk and a JSON completion", async () => {
    mock.setBehavior({
      reportPromptTokens: 1_200,
      cacheReadTokens: 1_000,
      cacheCreationTokens: 100,
      reasoningTokens: 30,
    });
    const streamed = await collect(await createOpenAiCompatibleAdapter(config()).stream(request(), signal()));
    // 6 visible pieces + 30 hidden reasoning tokens, all in completion_tokens as OpenAI counts them.
    expect(usageOf(streamed)).toEqual({
      prompt_tokens: 1_200,
      completion_tokens: 36,
      cache_read_tokens: 1_000,
      cache_write_tokens: 100,
      reasoning_tokens: 30,
    });
    const sent = mock.requests[0]!;
    expect(sent.body.stream_options).toEqual({ include_usage: true });
  });

  it("understands each provider's dialect, in OpenAI's meaning", () => {
    // OpenAI: cached tokens are part of prompt_tokens; reasoning part of completion_tokens.
    expect(
      readUsage({
        prompt_tokens: 1_200,
        completion_tokens: 80,
        prompt_tokens_details: { cached_tokens: 1_024, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 64 },
      }),
    ).toEqual({ prompt_tokens: 1_200, completion_tokens: 80, cache_read_tokens: 1_024, reasoning_tokens: 64 });
    // DeepSeek: prompt_cache_hit_tokens + prompt_cache_miss_tokens = prompt_tokens.
    expect(
      readUsage({
        prompt_tokens: 900,
        completion_tokens: 10,
        prompt_cache_hit_tokens: 640,
        prompt_cache_miss_tokens: 260,
      }),
    ).toEqual({ prompt_tokens: 900, completion_tokens: 10, cache_read_tokens: 640 });
    // Anthropic's names (its OpenAI layer, some proxies): input_tokens leave the cache out.
    expect(
      readUsage({
        input_tokens: 50,
        output_tokens: 7,
        cache_read_input_tokens: 1_000,
        cache_creation_input_tokens: 200,
      }),
    ).toEqual({ prompt_tokens: 1_250, completion_tokens: 7, cache_read_tokens: 1_000, cache_write_tokens: 200 });
    // OpenRouter names cache writes in the details.
    expect(
      readUsage({
        prompt_tokens: 300,
        completion_tokens: 1,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 250 },
      }),
    ).toEqual({ prompt_tokens: 300, completion_tokens: 1, cache_write_tokens: 250 });
    // Plain usage stays plain.
    expect(readUsage({ prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 })).toEqual({
      prompt_tokens: 4,
      completion_tokens: 1,
    });
    expect(readUsage({ total_tokens: 5 })).toBeNull();
  });

  it("bills reasoning a server reported apart from completion_tokens as output too", () => {
    // Gemini behind some proxies: completion_tokens 0, reasoning 60, total = 21 + 0 + 60.
    expect(
      readUsage({
        prompt_tokens: 21,
        completion_tokens: 0,
        total_tokens: 81,
        completion_tokens_details: { reasoning_tokens: 60 },
      }),
    ).toEqual({ prompt_tokens: 21, completion_tokens: 60, reasoning_tokens: 60 });
    expect(
      readUsage({
        prompt_tokens: 21,
        completion_tokens: 5,
        total_tokens: 86,
        completion_tokens_details: { reasoning_tokens: 60 },
      }),
    ).toEqual({ prompt_tokens: 21, completion_tokens: 65, reasoning_tokens: 60 });
    // OpenAI's own shape (reasoning inside completion, total = prompt + completion) is left alone.
    expect(
      readUsage({
        prompt_tokens: 21,
        completion_tokens: 70,
        total_tokens: 91,
        completion_tokens_details: { reasoning_tokens: 60 },
      }),
    ).toEqual({ prompt_tokens: 21, completion_tokens: 70, reasoning_tokens: 60 });
  });

  it("never lets cache classes exceed the prompt they are part of", () => {
    expect(
      readUsage({
        prompt_tokens: 100,
        completion_tokens: 1,
        prompt_tokens_details: { cached_tokens: 150, cache_write_tokens: 30 },
      }),
    ).toEqual({ prompt_tokens: 100, completion_tokens: 1, cache_read_tokens: 100 });
    expect(
      readUsage({ prompt_tokens: 100.4, completion_tokens: "7", prompt_tokens_details: { cached_tokens: -3 } }),
    ).toEqual({ prompt_tokens: 100, completion_tokens: 0 });
  });

  it("keeps the running usage of a stream that then broke, as partial", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (content: string, completion: number) =>
        `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content }, finish_reason: null }], usage: { prompt_tokens: 500, completion_tokens: completion, prompt_tokens_details: { cached_tokens: 400 } } })}\n\n`;
      res.write(chunk("a", 1) + chunk("b", 2), () => res.destroy());
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const { events, error } = await collectUntilError(
        await createOpenAiCompatibleAdapter(config({ baseUrl: base })).stream(request(), signal()),
      );
      expect((error as UpstreamError).status).toBe(502);
      expect(textOf(events)).toBe("ab");
      expect(events.at(-1)).toEqual({
        type: "usage",
        usage: { prompt_tokens: 500, completion_tokens: 2, cache_read_tokens: 400 },
        partial: true,
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
