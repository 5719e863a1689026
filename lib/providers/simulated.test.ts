import { describe, expect, it } from "vitest";
import {
  collect,
  collectUntilError,
  finishReasonOf,
  textOf,
  toolCallsOf,
  usageOf,
} from "../../tests/doubles/stream-helpers.ts";
import { countTextTokens, estimatePromptTokens } from "../router/tokens.ts";
import { createAdapter } from "./registry.ts";
import { createSimulatedAdapter, defaultReply } from "./simulated.ts";
import { UpstreamError, type ProviderConfig, type SimulationConfig, type UpstreamChatRequest } from "./types.ts";

const config = (simulation: SimulationConfig = {}): ProviderConfig => ({
  slug: "sim",
  kind: "SIMULATED",
  baseUrl: "",
  apiKey: null,
  simulation,
});
const fast: SimulationConfig = { first_token_ms: 0, tokens_per_second: 0 };
const request = (over: Partial<UpstreamChatRequest> = {}): UpstreamChatRequest => ({
  model: "sim-1",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "What is the capital of France?" },
  ],
  ...over,
});
const signal = () => new AbortController().signal;

function timeoutCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
}

describe("simulated adapter", () => {
  it("streams a deterministic reply echoing the prompt, with usage from the real tokenizer", async () => {
    const req = request();
    const events = await collect(await createSimulatedAdapter(config(fast)).stream(req, signal()));
    const text = textOf(events);
    expect(text).toMatch(/^Simulated reply from sim-1: you said "What is the capital of France\?"\./);
    expect(text).toBe(defaultReply(req));
    expect(events[0]).toMatchObject({ type: "chunk", choices: [{ delta: { role: "assistant", content: "" } }] });
    expect(finishReasonOf(events)).toBe("stop");
    const usage = usageOf(events)!;
    expect(usage).toEqual({
      prompt_tokens: estimatePromptTokens(req.messages),
      completion_tokens: countTextTokens(text),
    });
    expect(usage.completion_tokens).toBeGreaterThanOrEqual(30);
    expect(usage.completion_tokens).toBeLessThanOrEqual(60);
    expect(events.at(-1)?.type).toBe("usage");
    // word by word
    expect(events.filter((e) => e.type === "chunk").length).toBeGreaterThan(10);
    const again = await collect(await createSimulatedAdapter(config(fast)).stream(req, signal()));
    expect(textOf(again)).toBe(text);
  });

  it("keeps default replies within 30-60 tokens for short, empty and long prompts", () => {
    for (const content of [
      "",
      "hi",
      "word ".repeat(500),
      "Explain quantum entanglement to a five year old using only analogies from cooking",
    ]) {
      const n = countTextTokens(
        defaultReply({ model: "provider-model-with-a-long-name", messages: [{ role: "user", content }] }),
      );
      expect(n, content.slice(0, 20)).toBeGreaterThanOrEqual(30);
      expect(n, content.slice(0, 20)).toBeLessThanOrEqual(60);
    }
  });

  it("uses the configured reply", async () => {
    const events = await collect(
      await createSimulatedAdapter(config({ ...fast, reply: "Fixed answer here." })).stream(request(), signal()),
    );
    expect(textOf(events)).toBe("Fixed answer here.");
    expect(usageOf(events)?.completion_tokens).toBe(countTextTokens("Fixed answer here."));
  });

  it("waits first_token_ms and paces tokens at tokens_per_second", async () => {
    const reply = Array.from({ length: 20 }, (_, i) => `w${i}`).join(" ");
    const t0 = Date.now();
    const iterable = await createSimulatedAdapter(
      config({ first_token_ms: 100, tokens_per_second: 200, reply }),
    ).stream(request(), signal());
    const times: number[] = [];
    const events = [];
    for await (const e of iterable) {
      events.push(e);
      times.push(Date.now() - t0);
    }
    expect(textOf(events)).toBe(reply);
    expect(times[0]).toBeGreaterThanOrEqual(90);
    // All tokens but the last ones have to be paid for at 200/s (5 ms each) after the first token.
    const tokens = usageOf(events)!.completion_tokens;
    const lastPiece = countTextTokens(" w19");
    const minimum = 100 + ((tokens - lastPiece) * 1000) / 200;
    expect(times.at(-1)!).toBeGreaterThanOrEqual(minimum * 0.9);
    expect(times.at(-1)!).toBeLessThan(minimum + 2000);
  });

  it("is as fast as possible with tokens_per_second 0 or very large", async () => {
    for (const tokens_per_second of [0, 1e9]) {
      const t0 = Date.now();
      const events = await collect(
        await createSimulatedAdapter(config({ first_token_ms: 0, tokens_per_second })).stream(request(), signal()),
      );
      expect(usageOf(events)).toBeDefined();
      expect(Date.now() - t0).toBeLessThan(500);
    }
  });

  it("fails with error_status at error_rate, before any event", async () => {
    const err = await createSimulatedAdapter(config({ ...fast, error_rate: 1, error_status: 429 }))
      .stream(request(), signal())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).status).toBe(429);

    const defaults = await createSimulatedAdapter(config({ ...fast, error_rate: 1 }))
      .stream(request(), signal())
      .catch((e: unknown) => e);
    expect((defaults as UpstreamError).status).toBe(503);

    const sometimes = (r: number) =>
      createSimulatedAdapter(config({ ...fast, error_rate: 0.5 }), { random: () => r }).stream(request(), signal());
    await expect(sometimes(0.49)).rejects.toBeInstanceOf(UpstreamError);
    await expect(sometimes(0.5).then(collect)).resolves.toBeDefined();
  });

  it("honours max_tokens with finish_reason length", async () => {
    for (const max_tokens of [1, 5, 12]) {
      const events = await collect(
        await createSimulatedAdapter(config(fast)).stream(request({ max_tokens }), signal()),
      );
      expect(finishReasonOf(events)).toBe("length");
      const usage = usageOf(events)!;
      expect(usage.completion_tokens).toBeLessThanOrEqual(max_tokens);
      expect(usage.completion_tokens).toBeGreaterThanOrEqual(Math.min(max_tokens, 1));
      expect(countTextTokens(textOf(events))).toBeLessThanOrEqual(max_tokens);
    }
    const all = await collect(
      await createSimulatedAdapter(config(fast)).stream(request({ max_completion_tokens: 1000 }), signal()),
    );
    expect(finishReasonOf(all)).toBe("stop");
  });

  it("stops promptly on abort, clearing its timers", async () => {
    const before = timeoutCount();
    const ctrl = new AbortController();
    const iterator = (await createSimulatedAdapter(config({ first_token_ms: 10_000 })).stream(request(), ctrl.signal))[
      Symbol.asyncIterator
    ]();
    const pending = iterator.next();
    await new Promise((r) => setTimeout(r, 20));
    expect(timeoutCount()).toBeGreaterThan(before);
    const t0 = Date.now();
    ctrl.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(200);
    expect([(err as UpstreamError).status, (err as UpstreamError).message]).toEqual([499, "aborted"]);
    expect(timeoutCount()).toBeLessThanOrEqual(before);
  });

  it("abort mid-stream ends the iterator with 499", async () => {
    const ctrl = new AbortController();
    const iterable = await createSimulatedAdapter(config({ first_token_ms: 0, tokens_per_second: 50 })).stream(
      request(),
      ctrl.signal,
    );
    setTimeout(() => ctrl.abort(), 60);
    const { events, error } = await collectUntilError(iterable);
    expect(events.length).toBeGreaterThan(0);
    expect(usageOf(events)).toBeUndefined();
    expect((error as UpstreamError).status).toBe(499);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(createSimulatedAdapter(config(fast)).stream(request(), ctrl.signal)).rejects.toMatchObject({
      status: 499,
    });
  });

  it("is what the registry builds for kind SIMULATED", async () => {
    const events = await collect(await createAdapter(config(fast)).stream(request(), signal()));
    expect(usageOf(events)).toBeDefined();
  });
});

describe("simulated adapter: tool calls", () => {
  const weather = {
    type: "function",
    function: {
      name: "get_weather",
      parameters: {
        type: "object",
        properties: {
          city: { type: "string" },
          unit: { type: "string", enum: ["celsius", "fahrenheit"] },
          days: { type: "integer", minimum: 1 },
        },
        required: ["city", "unit"],
      },
    },
  };
  const time = {
    type: "function",
    function: {
      name: "get_time",
      parameters: { type: "object", properties: { tz: { type: "string" }, exact: { type: "boolean" } } },
    },
  };
  const ask = (content: string, over: Partial<UpstreamChatRequest> = {}) =>
    request({ messages: [{ role: "user", content }], tools: [weather, time], ...over });
  const run = async (req: UpstreamChatRequest, sim: SimulationConfig = fast) =>
    collect(await createSimulatedAdapter(config(sim)).stream(req, signal()));
  const toolDeltas = (events: Awaited<ReturnType<typeof run>>) =>
    events.flatMap((e) => (e.type === "chunk" ? e.choices.flatMap((c) => c.delta.tool_calls ?? []) : []));

  it("calls the tool the user mentions, with schema-shaped arguments streamed as OpenAI tool_calls deltas in pieces", async () => {
    const req = ask("What is the weather in Paris? Use get_weather.");
    const events = await run(req);
    expect(textOf(events)).toBe("");
    const calls = toolCallsOf(events);
    expect(calls).toEqual([
      { id: expect.stringMatching(/^call_sim_\w+_0$/), name: "get_weather", arguments: expect.any(String) },
    ]);
    // Required properties only, each a placeholder of its type (the enum's first value).
    expect(JSON.parse(calls[0]!.arguments)).toEqual({ city: "example", unit: "celsius" });
    const deltas = toolDeltas(events);
    expect(deltas[0]).toEqual({
      index: 0,
      id: calls[0]!.id,
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(deltas.slice(1).length).toBeGreaterThanOrEqual(2);
    for (const d of deltas.slice(1)) expect(d).toEqual({ index: 0, function: { arguments: expect.any(String) } });
    expect(finishReasonOf(events)).toBe("tool_calls");
    // Output tokens: the call's name and arguments, as the gateway counts a broken one.
    expect(usageOf(events)).toEqual({
      prompt_tokens: estimatePromptTokens(req.messages, req.tools),
      completion_tokens: countTextTokens("get_weather") + countTextTokens(calls[0]!.arguments),
    });
  });

  it("is deterministic: the same request, the same calls", async () => {
    const req = ask("get weather and get_time please");
    const strip = (events: Awaited<ReturnType<typeof run>>) =>
      toolCallsOf(events).map(({ name, arguments: a }) => ({ name, a }));
    expect(strip(await run(req))).toEqual(strip(await run(req)));
  });

  it("calls every mentioned tool in parallel (indexes 0 and 1), or only the first when parallel_tool_calls is false", async () => {
    const both = await run(ask("Check get_time and also the get weather tool"));
    expect(toolCallsOf(both).map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([
      ["get_weather", { city: "example", unit: "celsius" }],
      // No required list: every property.
      ["get_time", { tz: "example", exact: true }],
    ]);
    expect(
      toolDeltas(both)
        .filter((d) => d.id)
        .map((d) => d.index),
    ).toEqual([0, 1]);
    expect(finishReasonOf(both)).toBe("tool_calls");

    const one = await run(ask("Check get_time and also the get weather tool", { parallel_tool_calls: false }));
    expect(toolCallsOf(one).map((c) => c.name)).toEqual(["get_weather"]);
  });

  it("follows tool_choice: none never calls, required calls the first tool, a named function is called", async () => {
    expect(toolCallsOf(await run(ask("use get_weather", { tool_choice: "none" })))).toEqual([]);
    expect(finishReasonOf(await run(ask("use get_weather", { tool_choice: "none" })))).toBe("stop");
    // auto (or unsaid) without a mention: a plain answer.
    const plain = await run(ask("hello there", { tool_choice: "auto" }));
    expect([toolCallsOf(plain), finishReasonOf(plain)]).toEqual([[], "stop"]);
    expect(toolCallsOf(await run(ask("hello there", { tool_choice: "required" }))).map((c) => c.name)).toEqual([
      "get_weather",
    ]);
    expect(
      toolCallsOf(
        await run(ask("hello there", { tool_choice: { type: "function", function: { name: "get_time" } } })),
      ).map((c) => c.name),
    ).toEqual(["get_time"]);
  });

  it("answers a conversation that ends with tool results in text that uses them", async () => {
    const req = request({
      tools: [weather, time],
      messages: [
        { role: "user", content: "Use get_weather and get_time for Paris" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris","unit":"celsius"}' },
            },
            { id: "call_2", type: "function", function: { name: "get_time", arguments: '{"tz":"Europe/Paris"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "18C and sunny" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "14:05" }] },
      ],
    });
    const events = await run(req);
    expect(toolCallsOf(events)).toEqual([]);
    expect(textOf(events)).toBe(
      'Simulated reply from sim-1, using the tool results: get_weather returned "18C and sunny"; get_time returned "14:05".',
    );
    expect(finishReasonOf(events)).toBe("stop");
    expect(usageOf(events)!.completion_tokens).toBe(countTextTokens(textOf(events)));
  });

  it("cuts a call at max_tokens with finish_reason length", async () => {
    const events = await run(ask("use get_weather", { max_tokens: 3 }));
    expect(finishReasonOf(events)).toBe("length");
    const args = toolCallsOf(events)[0]!.arguments;
    expect(countTextTokens(args)).toBeLessThanOrEqual(3);
    expect(() => JSON.parse(args)).toThrow();
    expect(usageOf(events)!.completion_tokens).toBeLessThanOrEqual(3);
  });
});

describe("simulated adapter: JSON mode", () => {
  const run = async (req: UpstreamChatRequest, sim: SimulationConfig = fast) =>
    collect(await createSimulatedAdapter(config(sim)).stream(req, signal()));

  it("json_object: a JSON object holding the usual answer, streamed in several pieces", async () => {
    const req = request({ response_format: { type: "json_object" } });
    const events = await run(req);
    expect(JSON.parse(textOf(events))).toEqual({ answer: defaultReply(req) });
    expect(
      events.filter((e) => e.type === "chunk" && e.choices.some((c) => c.delta.content)).length,
    ).toBeGreaterThanOrEqual(2);
    expect(finishReasonOf(events)).toBe("stop");
    expect(JSON.parse(textOf(await run(req, { ...fast, reply: "Fixed." })))).toEqual({ answer: "Fixed." });
    // "text" is no JSON mode.
    expect(textOf(await run(request({ response_format: { type: "text" } })))).toBe(defaultReply(request()));
  });

  it("json_schema: an object with the schema's required properties, placeholders of the right types", async () => {
    const schema = {
      type: "object",
      properties: {
        name: { type: "string" },
        age: { type: "integer", minimum: 18 },
        score: { type: ["number", "null"] },
        tags: { type: "array", items: { type: "string" } },
        address: {
          type: "object",
          properties: { city: { type: "string" }, zip: { type: "string" } },
          required: ["city"],
        },
        status: { anyOf: [{ type: "string", enum: ["active", "inactive"] }, { type: "null" }] },
        verified: { type: "boolean" },
        note: { type: "string" },
      },
      required: ["name", "age", "score", "tags", "address", "status", "verified"],
      additionalProperties: false,
    };
    const events = await run(
      request({ response_format: { type: "json_schema", json_schema: { name: "person", schema, strict: true } } }),
    );
    expect(JSON.parse(textOf(events))).toEqual({
      name: "example",
      age: 18,
      score: 1,
      tags: ["example"],
      address: { city: "example" },
      status: "active",
      verified: true,
    });
    expect(usageOf(events)!.completion_tokens).toBe(countTextTokens(textOf(events)));
  });

  it("a tool call wins over JSON mode; the follow-up answers in JSON, using the results", async () => {
    const tools = [
      {
        type: "function",
        function: {
          name: "lookup",
          parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
        },
      },
    ];
    const called = await run(
      request({
        tools,
        response_format: { type: "json_object" },
        messages: [{ role: "user", content: "lookup France" }],
      }),
    );
    expect(toolCallsOf(called).map((c) => c.name)).toEqual(["lookup"]);
    const answered = await run(
      request({
        tools,
        response_format: { type: "json_object" },
        messages: [
          { role: "user", content: "lookup France" },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c1", type: "function", function: { name: "lookup", arguments: '{"q":"France"}' } }],
          },
          { role: "tool", tool_call_id: "c1", content: "Paris" },
        ],
      }),
    );
    expect(JSON.parse(textOf(answered))).toEqual({
      answer: 'Simulated reply from sim-1, using the tool results: lookup returned "Paris".',
    });
  });
});
