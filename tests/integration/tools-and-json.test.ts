// Tool calls and JSON mode through POST /api/v1/chat/completions, on every kind of provider
// adapter (OpenAI-compatible and Anthropic on the mock upstream, the built-in simulator), streamed
// and not, on both databases: what reaches the upstream, what the client gets back, and that the
// ledger charges what the usage row says.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";
import { gateway } from "../../lib/gateway/context.ts";
import { waitUntil } from "../helpers/wait.ts";
import type { MockToolCall } from "../doubles/mock-upstream.ts";

let f: GatewayFixture;

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
const timeTool = {
  type: "function",
  function: {
    name: "get_time",
    description: "Local time",
    parameters: { type: "object", properties: { tz: { type: "string" } }, required: ["tz"] },
  },
};
const tools = [weatherTool, timeTool];
const weatherCall: MockToolCall = { name: "get_weather", arguments: '{"city":"Paris"}' };
const timeCall: MockToolCall = { name: "get_time", arguments: '{"tz":"Europe/Paris"}' };

/**
 * The three adapters. The mocks answer with the calls a test scripts; the simulator calls the
 * tools the last user message names, with placeholder arguments shaped by their schemas
 * (lib/providers/simulated.ts), so its expected arguments differ.
 */
const KINDS = [
  {
    kind: "openai-compatible",
    model: "oai/mock-small",
    upstream: "mock-small" as string | null,
    weather: { city: "Paris" },
    time: { tz: "Europe/Paris" },
  },
  {
    kind: "anthropic",
    model: "claude/claude-mock",
    upstream: "claude-mock" as string | null,
    weather: { city: "Paris" },
    time: { tz: "Europe/Paris" },
  },
  {
    kind: "simulated",
    model: "simulated/sim-balanced",
    upstream: null as string | null,
    weather: { city: "example" },
    time: { tz: "example" },
  },
] as const;

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("oai", { priority: 90 });
  await f.addProvider("claude", { kind: "anthropic", priority: 80 });
  await f.addProvider("cheap", { priority: 90 });
  await f.addModel("oai", "mock-small", {
    level: "BALANCED",
    input: 1,
    output: 2,
    quality: 9,
    capabilities: ["chat", "tools", "json"],
  });
  await f.addModel("claude", "claude-mock", {
    level: "BALANCED",
    input: 3,
    output: 15,
    quality: 9,
    capabilities: ["chat", "tools"],
  });
  // An Anthropic model an admin tagged "json": the adapter's JSON mode (a forced tool) serves it.
  await f.addModel("claude", "claude-json", {
    level: "PRECISION",
    input: 3,
    output: 15,
    quality: 9,
    capabilities: ["chat", "tools", "json"],
  });
  // At ECO, a cheaper model without "json" beside a dearer one with it.
  await f.addModel("cheap", "mock-cheap", {
    level: "ECO",
    input: 0.1,
    output: 0.2,
    quality: 9,
    capabilities: ["chat", "tools"],
  });
  await f.addModel("oai", "mock-json", {
    level: "ECO",
    input: 2,
    output: 4,
    quality: 8,
    capabilities: ["chat", "tools", "json"],
  });
  await f.grant(f.user.id, 10);
});
afterAll(() => f?.close());
beforeEach(() => f.reset());

type Frame = Record<string, any>;

/** A chat completion, streamed or not; for a stream, its data frames parsed (`[DONE]` kept as the string). */
async function chat(body: Record<string, unknown>) {
  const res = await f.asUser("/api/v1/chat/completions", { body });
  const frames: (Frame | "[DONE]")[] = body.stream
    ? res.text
        .split("\n\n")
        .filter((b) => b.startsWith("data: "))
        .map((b) => (b === "data: [DONE]" ? "[DONE]" : (JSON.parse(b.slice(6)) as Frame)))
    : [];
  return { ...res, frames, requestId: res.headers.get("x-request-id")! };
}

type Call = { index: number; id: string; name: string; arguments: string; pieces: number };

/** The tool calls a reply carries: whole from a JSON reply, assembled from deltas (counting argument pieces) from a stream. */
function callsOf(r: Awaited<ReturnType<typeof chat>>): { calls: Call[]; finish: string | null; content: string } {
  if (r.frames.length === 0) {
    const choice = r.json.choices[0];
    const calls = (choice.message.tool_calls ?? []).map((c: Frame, index: number) => ({
      index,
      id: c.id,
      name: c.function.name,
      arguments: c.function.arguments,
      pieces: 1,
    }));
    return { calls, finish: choice.finish_reason, content: choice.message.content ?? "" };
  }
  const calls: Call[] = [];
  let finish: string | null = null;
  let content = "";
  for (const frame of r.frames) {
    if (frame === "[DONE]" || !Array.isArray(frame.choices)) continue;
    for (const choice of frame.choices) {
      content += choice.delta?.content ?? "";
      finish = choice.finish_reason ?? finish;
      for (const d of choice.delta?.tool_calls ?? []) {
        const call = (calls[d.index] ??= { index: d.index, id: "", name: "", arguments: "", pieces: 0 });
        if (d.id) call.id = d.id;
        if (d.function?.name) call.name += d.function.name;
        if (d.function?.arguments) {
          call.arguments += d.function.arguments;
          call.pieces++;
        }
      }
    }
  }
  return { calls, finish, content };
}

/** The request's usage row and what the ledger charged for it, once settled. */
async function settled(requestId: string) {
  return waitUntil(
    `the usage row of ${requestId}`,
    async () =>
      (
        await sql<{
          status: string;
          prompt_tokens: number;
          completion_tokens: number;
          charged: string;
          ledger: string | null;
          model: string;
        }>(
          f.url,
          `SELECT u.status, u.prompt_tokens, u.completion_tokens, u.charged_micros::text AS charged, u.model_name AS model,
                  (SELECT (-sum(amount_micros))::text FROM ledger_entries WHERE idempotency_key = $2) AS ledger
             FROM usage_logs u WHERE u.id = $1`,
          [requestId, `charge:${requestId}`],
        )
      )[0],
    5_000,
  );
}

/** The ledger charged exactly the usage row's amount, and the reply's usage matches the row. */
async function expectChargedAsLogged(r: Awaited<ReturnType<typeof chat>>, label: string) {
  const row = await settled(r.requestId);
  expect(row.status, label).toBe("success");
  expect(Number(row.charged), label).toBeGreaterThan(0);
  expect(row.ledger, label).toBe(row.charged);
  const usage = r.frames.length
    ? (r.frames.filter((x): x is Frame => x !== "[DONE]" && x.usage != null).at(-1)!.usage as Frame)
    : (r.json.usage as Frame);
  expect({ prompt: usage.prompt_tokens, completion: usage.completion_tokens }, label).toEqual({
    prompt: row.prompt_tokens,
    completion: row.completion_tokens,
  });
}

async function simulatorEnabled(enabled: boolean) {
  const sim = (await f.asAdmin("/api/admin/providers")).json.data.find((p: { slug: string }) => p.slug === "simulated");
  const res = await f.asAdmin(`/api/admin/providers/${sim.id}`, {
    method: "PATCH",
    body: { enabled, simulation: { first_token_ms: 0, tokens_per_second: 0, error_rate: 0, error_status: 500 } },
  });
  expect(res.status, res.text).toBe(200);
}

describe("tool calls on every adapter, streamed and not", () => {
  beforeAll(() => simulatorEnabled(true));
  afterAll(() => simulatorEnabled(false));

  for (const k of KINDS) {
    for (const stream of [false, true]) {
      const label = `${k.kind}, ${stream ? "streamed" : "not streamed"}`;

      it(`${label}: one call, finish_reason tool_calls, arguments that parse to the call's JSON`, async () => {
        if (k.upstream) f.mock.setBehavior({ toolCalls: [weatherCall] }, { model: k.upstream });
        const r = await chat({
          model: k.model,
          stream,
          tools,
          messages: [{ role: "user", content: "What is the weather in Paris? Use get_weather." }],
        });
        expect(r.status, r.text).toBe(200);
        const { calls, finish, content } = callsOf(r);
        expect(finish).toBe("tool_calls");
        expect(content).toBe("");
        expect(calls.map((c) => [c.index, c.name, JSON.parse(c.arguments)])).toEqual([[0, "get_weather", k.weather]]);
        expect(calls[0]!.id).not.toBe("");
        // Streamed, the arguments came in pieces, as each protocol sends them.
        if (stream) {
          expect(calls[0]!.pieces).toBeGreaterThanOrEqual(2);
          expect(r.frames.at(-1)).toBe("[DONE]");
        }
        await expectChargedAsLogged(r, label);
      });

      it(`${label}: two parallel calls arrive as indexes 0 and 1`, async () => {
        if (k.upstream) f.mock.setBehavior({ toolCalls: [weatherCall, timeCall] }, { model: k.upstream });
        const r = await chat({
          model: k.model,
          stream,
          tools,
          messages: [{ role: "user", content: "Use get_weather and get_time for Paris." }],
        });
        expect(r.status, r.text).toBe(200);
        const { calls, finish } = callsOf(r);
        expect(finish).toBe("tool_calls");
        expect(calls.map((c) => [c.index, c.name, JSON.parse(c.arguments)])).toEqual([
          [0, "get_weather", k.weather],
          [1, "get_time", k.time],
        ]);
        expect(new Set(calls.map((c) => c.id)).size).toBe(2);
        if (stream) for (const c of calls) expect(c.pieces).toBeGreaterThanOrEqual(2);
        await expectChargedAsLogged(r, label);
      });
    }
  }

  it("parallel_tool_calls false: Anthropic gets disable_parallel_tool_use, OpenAI the field unchanged; one call comes back", async () => {
    for (const k of KINDS) {
      if (k.upstream) f.mock.setBehavior({ toolCalls: [weatherCall, timeCall] }, { model: k.upstream });
      f.mock.clearRequests();
      const r = await chat({
        model: k.model,
        stream: true,
        tools,
        parallel_tool_calls: false,
        messages: [{ role: "user", content: "Use get_weather and get_time for Paris." }],
      });
      expect(r.status, r.text).toBe(200);
      expect(
        callsOf(r).calls.map((c) => c.name),
        k.kind,
      ).toEqual(["get_weather"]);
      if (k.kind === "anthropic") {
        const sent = f.mock.requests.at(-1)!;
        expect(sent.path).toBe("/v1/messages");
        expect(sent.body.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
        expect(sent.body).not.toHaveProperty("parallel_tool_calls");
        expect(sent.parallelToolCalls).toBe(false);
      } else if (k.kind === "openai-compatible") {
        const sent = f.mock.requests.at(-1)!;
        expect(sent.body.parallel_tool_calls).toBe(false);
        expect(sent.body.tools).toEqual(tools);
        expect(sent.parallelToolCalls).toBe(false);
      } else {
        expect(f.mock.requests).toEqual([]);
      }
      await expectChargedAsLogged(r, k.kind);
    }
  });

  it("the follow-up with the assistant's tool_calls and the tool results: tool_use / tool_result blocks for Anthropic, unchanged for OpenAI, used by the simulator", async () => {
    const history = [
      { role: "user", content: "Use get_weather and get_time for Paris." },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_w", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "call_t", type: "function", function: { name: "get_time", arguments: '{"tz":"Europe/Paris"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_w", content: "18C and sunny" },
      { role: "tool", tool_call_id: "call_t", content: "14:05" },
    ];
    for (const stream of [false, true]) {
      f.mock.clearRequests();
      const claude = await chat({ model: "claude/claude-mock", stream, tools, messages: history });
      expect(claude.status, claude.text).toBe(200);
      expect(callsOf(claude)).toMatchObject({ calls: [], finish: "stop", content: "Hello from the mock upstream." });
      expect(f.mock.requests.at(-1)!.body.messages).toEqual([
        { role: "user", content: [{ type: "text", text: "Use get_weather and get_time for Paris." }] },
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "call_w", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "call_t", name: "get_time", input: { tz: "Europe/Paris" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "call_w", content: "18C and sunny" },
            { type: "tool_result", tool_use_id: "call_t", content: "14:05" },
          ],
        },
      ]);
      await expectChargedAsLogged(claude, "anthropic");

      const oai = await chat({ model: "oai/mock-small", stream, tools, messages: history });
      expect(oai.status, oai.text).toBe(200);
      expect(f.mock.requests.at(-1)!.body.messages).toEqual(history);
      await expectChargedAsLogged(oai, "openai-compatible");

      const sim = await chat({ model: "simulated/sim-balanced", stream, tools, messages: history });
      expect(sim.status, sim.text).toBe(200);
      expect(callsOf(sim)).toEqual({
        calls: [],
        finish: "stop",
        content:
          'Simulated reply from sim-balanced, using the tool results: get_weather returned "18C and sunny"; get_time returned "14:05".',
      });
      await expectChargedAsLogged(sim, "simulated");
    }
  });

  it("a stream that breaks mid-tool-call ends with the chat-completions error event, charged for what was produced", async () => {
    for (const k of KINDS.filter((x) => x.upstream !== null)) {
      f.mock.setBehavior(
        {
          toolCalls: [{ name: "get_weather", arguments: '{"city":"Paris","unit":"celsius","days":3}' }],
          breakAfterChunks: 2,
        },
        { model: k.upstream! },
      );
      const r = await chat({
        model: k.model,
        stream: true,
        tools,
        messages: [{ role: "user", content: "Use get_weather for Paris." }],
      });
      expect(r.status, k.kind).toBe(200);
      // The call started and two of its argument pieces arrived; then the break.
      const { calls, finish } = callsOf(r);
      expect(
        calls.map((c) => [c.index, c.name, c.pieces]),
        k.kind,
      ).toEqual([[0, "get_weather", 2]]);
      expect(finish, k.kind).toBeNull();
      const errorAt = r.frames.findIndex((x) => x !== "[DONE]" && x.error != null);
      expect(errorAt, k.kind).toBeGreaterThan(0);
      expect(r.frames[errorAt], k.kind).toEqual({
        error: {
          message: expect.stringContaining("stream failed after the response started"),
          type: "api_error",
          code: "upstream_stream_broken",
          param: null,
        },
      });
      // After the error only the usage of what was charged: no finish, no [DONE].
      const after = r.frames.slice(errorAt + 1);
      expect(after, k.kind).toEqual([
        expect.objectContaining({
          choices: [],
          usage: expect.objectContaining({ completion_tokens: expect.any(Number) }),
        }),
      ]);
      const row = await settled(r.requestId);
      expect(row.status, k.kind).toBe("error");
      expect(row.completion_tokens, k.kind).toBeGreaterThan(0);
      expect(Number(row.charged), k.kind).toBeGreaterThan(0);
      expect(row.ledger, k.kind).toBe(row.charged);
      expect((after[0] as Frame).usage.completion_tokens, k.kind).toBe(row.completion_tokens);
    }
  });
});

describe("JSON mode (response_format)", () => {
  it("a pinned model without the json capability: 400 model_not_supported, nothing held, charged or sent upstream", async () => {
    const count = async (table: string) =>
      Number((await sql<{ n: string }>(f.url, `SELECT count(*)::text AS n FROM ${table}`))[0]!.n);
    const before = {
      usage: await count("usage_logs"),
      ledger: await count("ledger_entries"),
      holds: await count("reservations"),
    };
    for (const stream of [false, true]) {
      const r = await chat({
        model: "claude/claude-mock",
        stream,
        response_format: { type: "json_object" },
        messages: [{ role: "user", content: "Answer in JSON" }],
      });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({
        error: {
          message: expect.stringContaining("no JSON output support"),
          type: "invalid_request_error",
          param: "model",
          code: "model_not_supported",
        },
      });
    }
    expect(f.mock.requests).toEqual([]);
    expect({
      usage: await count("usage_logs"),
      ledger: await count("ledger_entries"),
      holds: await count("reservations"),
    }).toEqual(before);
    // response_format "text" is no JSON ask: the same pin serves it.
    const text = await chat({
      model: "claude/claude-mock",
      response_format: { type: "text" },
      messages: [{ role: "user", content: "hi" }],
    });
    expect(text.status, text.text).toBe(200);
  });

  it("auto routing with JSON asked goes to the json model, even with a cheaper one without it", async () => {
    const plain = await chat({ model: "eco", messages: [{ role: "user", content: "hi" }] });
    expect(plain.headers.get("x-model-used")).toBe("cheap/mock-cheap");
    for (const stream of [false, true]) {
      const json = await chat({
        model: "eco",
        stream,
        response_format: { type: "json_object" },
        messages: [{ role: "user", content: "hi, in JSON" }],
      });
      expect(json.status, json.text).toBe(200);
      expect(json.headers.get("x-model-used")).toBe("oai/mock-json");
      expect(f.mock.requests.at(-1)!.model).toBe("mock-json");
    }
  });

  it("JSON asked when no model in the catalog can answer in JSON: 400 on response_format, not a 503 outage", async () => {
    const tagged = await sql<{ id: string }>(f.url, "SELECT id FROM models WHERE 'json' = ANY(capabilities)");
    expect(tagged.length).toBeGreaterThan(0);
    await sql(f.url, "UPDATE models SET capabilities = array_remove(capabilities, 'json') WHERE id = ANY($1::text[])", [
      tagged.map((t) => t.id),
    ]);
    gateway().catalog.invalidate();
    try {
      const r = await chat({
        model: "eco",
        response_format: { type: "json_object" },
        messages: [{ role: "user", content: "in JSON" }],
      });
      expect(r.status, r.text).toBe(400);
      expect(r.json.error).toMatchObject({
        code: "model_not_supported",
        param: "response_format",
        type: "invalid_request_error",
      });
      expect(r.json.error.message).toContain('"json" capability');
      expect(f.mock.requests).toEqual([]);
    } finally {
      await sql(
        f.url,
        "UPDATE models SET capabilities = array_append(capabilities, 'json') WHERE id = ANY($1::text[])",
        [tagged.map((t) => t.id)],
      );
      gateway().catalog.invalidate();
    }
    // With a json model back, the same request is served.
    const served = await chat({
      model: "eco",
      response_format: { type: "json_object" },
      messages: [{ role: "user", content: "in JSON" }],
    });
    expect(served.status, served.text).toBe(200);
  });

  it("response_format reaches an OpenAI-compatible upstream unchanged", async () => {
    const response_format = {
      type: "json_schema",
      json_schema: {
        name: "weather",
        strict: true,
        schema: {
          type: "object",
          properties: { city: { type: "string" }, temp: { type: "number" } },
          required: ["city", "temp"],
          additionalProperties: false,
        },
      },
    };
    f.mock.setBehavior({ tokens: ['{"city":', '"Paris",', '"temp":18}'] });
    for (const stream of [false, true]) {
      const r = await chat({
        model: "oai/mock-small",
        stream,
        response_format,
        messages: [{ role: "user", content: "Weather in Paris as JSON" }],
      });
      expect(r.status, r.text).toBe(200);
      expect(f.mock.requests.at(-1)!.body.response_format).toEqual(response_format);
      expect(JSON.parse(callsOf(r).content)).toEqual({ city: "Paris", temp: 18 });
      await expectChargedAsLogged(r, stream ? "streamed" : "not streamed");
    }
  });

  it("an Anthropic model tagged json: JSON mode as a forced tool, the answer back as message text", async () => {
    f.mock.setBehavior(
      { toolCalls: [{ name: "json_response", arguments: '{"city":"Paris","temp":18}' }] },
      { model: "claude-json" },
    );
    for (const stream of [false, true]) {
      const r = await chat({
        model: "claude/claude-json",
        stream,
        response_format: { type: "json_object" },
        messages: [{ role: "user", content: "Weather in Paris as JSON" }],
      });
      expect(r.status, r.text).toBe(200);
      const { calls, finish, content } = callsOf(r);
      expect({ calls, finish, content: JSON.parse(content) }).toEqual({
        calls: [],
        finish: "stop",
        content: { city: "Paris", temp: 18 },
      });
      const sent = f.mock.requests.at(-1)!.body;
      expect(sent).not.toHaveProperty("response_format");
      expect(sent.tool_choice).toEqual({ type: "tool", name: "json_response", disable_parallel_tool_use: true });
      expect(sent.tools).toEqual([
        { name: "json_response", description: expect.any(String), input_schema: { type: "object" } },
      ]);
      await expectChargedAsLogged(r, stream ? "streamed" : "not streamed");
    }
  });

  it("the simulator answers JSON mode with a JSON object fitting the schema", async () => {
    await simulatorEnabled(true);
    try {
      const schema = {
        type: "object",
        properties: { city: { type: "string" }, temp: { type: "number" }, sunny: { type: "boolean" } },
        required: ["city", "temp", "sunny"],
        additionalProperties: false,
      };
      for (const stream of [false, true]) {
        const r = await chat({
          model: "simulated/sim-balanced",
          stream,
          response_format: { type: "json_schema", json_schema: { name: "weather", schema } },
          messages: [{ role: "user", content: "Weather as JSON" }],
        });
        expect(r.status, r.text).toBe(200);
        expect(JSON.parse(callsOf(r).content)).toEqual({ city: "example", temp: 1, sunny: true });
        await expectChargedAsLogged(r, stream ? "streamed" : "not streamed");
      }
    } finally {
      await simulatorEnabled(false);
    }
  });
});
