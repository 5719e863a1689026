// POST /api/v1/responses: OpenAI's Responses API through the one gateway pipeline, on both
// databases — routed, held, charged and logged like chat completions (usage_logs.api =
// 'responses'), answered as a Response object or its typed event stream, read by the official
// `openai` SDK. Every answered request is checked against the books: the ledger's charge is the
// usage row's, and the reply's usage is the row's token counts.
import OpenAI, { APIError } from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_TOKENS } from "../doubles/mock-upstream.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { waitUntil } from "../helpers/wait.ts";
import { sql } from "../setup/test-db.ts";

let f: GatewayFixture;
const REPLY = DEFAULT_TOKENS.join("");

const weatherTool = {
  type: "function" as const,
  name: "get_weather",
  description: "Get current temperature for a given location.",
  parameters: {
    type: "object",
    properties: { location: { type: "string" } },
    required: ["location"],
    additionalProperties: false,
  },
  strict: true,
};
const PARIS = '{"location":"Paris, France"}';

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("oai", { priority: 90 });
  await f.addProvider("claude", { kind: "anthropic", priority: 10 });
  await f.addModel("oai", "mock-small", { level: "BALANCED", input: 1, output: 2, quality: 9 });
  await f.addModel("claude", "claude-mock", { level: "BALANCED", input: 3, output: 15, quality: 8 });
  await f.grant(f.user.id, 10);
});
afterAll(() => f?.close());
beforeEach(() => f.reset());

function responses(body: unknown, key = f.userKey) {
  return fetch(`${f.app.url}/api/v1/responses`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The SSE events of a streamed reply, checking each frame's framing and numbering. */
function events(text: string): { event: string; data: Record<string, any> }[] {
  const frames = text.split("\n\n").filter(Boolean);
  const out = frames.map((frame) => {
    const m = /^event: (\S+)\ndata: (.*)$/s.exec(frame);
    if (!m) throw new Error(`not an event frame: ${frame}`);
    const data = JSON.parse(m[2]!);
    expect(data.type).toBe(m[1]);
    return { event: m[1]!, data };
  });
  expect(out.map((e) => e.data.sequence_number)).toEqual(out.map((_, i) => i));
  return out;
}

type Books = {
  api: string;
  status: string;
  prompt_tokens: number;
  completion_tokens: number;
  charged: string;
  ledger: string | null;
};

/** The usage row and the ledger's charge for a request, once the settle has written both. */
function books(requestId: string): Promise<Books> {
  return waitUntil(
    `the usage row and charge of ${requestId}`,
    async () => {
      const [row] = await sql<Books>(
        f.url,
        `SELECT u.api, u.status, u.prompt_tokens, u.completion_tokens, u.charged_micros::text AS charged,
                (SELECT (-sum(amount_micros))::text FROM ledger_entries WHERE idempotency_key = $2) AS ledger
           FROM usage_logs u WHERE u.id = $1`,
        [requestId, `charge:${requestId}`],
      );
      return row && row.ledger !== null ? row : undefined;
    },
    5_000,
  );
}

/** The reply's usage is the row's counts, the row says `responses`, and the ledger charged what the row says. */
async function expectBooked(
  responseId: string,
  usage: { input_tokens: number; output_tokens: number; total_tokens: number } | null | undefined,
  status = "success",
): Promise<Books> {
  expect(responseId).toMatch(/^resp_/);
  const row = await books(responseId.slice("resp_".length));
  expect(row).toMatchObject({ api: "responses", status });
  expect(row.ledger).toBe(row.charged);
  expect(Number(row.charged)).toBeGreaterThan(0);
  expect(usage).toMatchObject({
    input_tokens: row.prompt_tokens,
    output_tokens: row.completion_tokens,
    total_tokens: row.prompt_tokens + row.completion_tokens,
  });
  return row;
}

const lastUpstreamBody = () => f.mock.requests.at(-1)!.body;

describe("POST /api/v1/responses", () => {
  it("answers with a Response object, charged through the ledger and logged as the responses API", async () => {
    const res = await responses({
      model: "balanced",
      instructions: "Be brief.",
      input: "hello there",
      max_output_tokens: 64,
      metadata: { ticket: "42" },
      store: true,
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      id: `resp_${res.headers.get("x-request-id")}`,
      object: "response",
      status: "completed",
      model: "oai/mock-small",
      error: null,
      incomplete_details: null,
      instructions: "Be brief.",
      max_output_tokens: 64,
      metadata: { ticket: "42" },
      store: false,
      output: [
        {
          type: "message",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: REPLY, annotations: [] }],
        },
      ],
    });
    expect(body.output[0].id).toMatch(/^msg_/);
    expect(body.usage.input_tokens_details).toEqual({ cached_tokens: 0 });
    // Instructions reached the upstream as the first system message; what only the Responses API knows did not.
    const upstream = lastUpstreamBody();
    expect(upstream.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hello there" },
    ]);
    expect(upstream.max_tokens).toBe(64);
    expect(upstream).not.toHaveProperty("metadata");
    expect(upstream).not.toHaveProperty("store");
    await expectBooked(body.id, body.usage);
  });

  it("streams the typed events in order, ending with response.completed and the charged usage", async () => {
    const res = await responses({
      model: "balanced",
      input: [{ role: "user", content: [{ type: "input_text", text: "hello there" }] }],
      stream: true,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const out = events(await res.text());
    const deltas = out.filter((e) => e.event === "response.output_text.delta");
    expect(out.map((e) => e.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...deltas.map(() => "response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(deltas.map((e) => e.data.delta).join("")).toBe(REPLY);
    const done = out.at(-1)!.data.response;
    expect(done).toMatchObject({
      id: `resp_${res.headers.get("x-request-id")}`,
      status: "completed",
      output: [{ type: "message", content: [{ type: "output_text", text: REPLY }] }],
    });
    await expectBooked(done.id, done.usage);
  });

  it("makes a function-tool round trip: the call comes back as a function_call item, its output goes up as a tool message", async () => {
    f.mock.setBehavior({ toolCall: { name: "get_weather", arguments: PARIS } });
    const first = await responses({
      model: "balanced",
      input: "What is the weather like in Paris today?",
      tools: [weatherTool],
      tool_choice: "auto",
    });
    expect(first.status).toBe(200);
    const asked = await first.json();
    expect(lastUpstreamBody().tools).toEqual([
      {
        type: "function",
        function: {
          name: "get_weather",
          description: weatherTool.description,
          parameters: weatherTool.parameters,
          strict: true,
        },
      },
    ]);
    expect(asked.output).toEqual([
      {
        type: "function_call",
        id: expect.stringMatching(/^fc_/),
        call_id: expect.any(String),
        name: "get_weather",
        arguments: PARIS,
        status: "completed",
      },
    ]);
    expect(asked.tools).toEqual([weatherTool]);
    await expectBooked(asked.id, asked.usage);

    f.mock.resetBehavior();
    const call = asked.output[0];
    const second = await responses({
      model: "balanced",
      tools: [weatherTool],
      input: [
        { role: "user", content: "What is the weather like in Paris today?" },
        call,
        { type: "function_call_output", call_id: call.call_id, output: "14°C" },
      ],
    });
    expect(second.status).toBe(200);
    const answered = await second.json();
    expect(lastUpstreamBody().messages).toEqual([
      { role: "user", content: "What is the weather like in Paris today?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: call.call_id, type: "function", function: { name: "get_weather", arguments: PARIS } }],
      },
      { role: "tool", tool_call_id: call.call_id, content: "14°C" },
    ]);
    expect(answered.output[0].content[0].text).toBe(REPLY);
    await expectBooked(answered.id, answered.usage);
  });

  it("ends a stream that breaks after it started with `error`, then `response.failed`; what arrived is charged", async () => {
    f.mock.setBehavior({ breakAfterChunks: 2 });
    const res = await responses({ model: "balanced", input: "hello there", stream: true });
    expect(res.status).toBe(200);
    const out = events(await res.text());
    expect(out.slice(0, 2).map((e) => e.event)).toEqual(["response.created", "response.in_progress"]);
    expect(out.slice(-2).map((e) => e.event)).toEqual(["error", "response.failed"]);
    expect(out.at(-2)!.data).toMatchObject({
      code: "upstream_stream_broken",
      message: expect.stringContaining("stream failed after the response started"),
      param: null,
    });
    const failed = out.at(-1)!.data.response;
    expect(failed).toMatchObject({
      status: "failed",
      error: { code: "server_error", message: out.at(-2)!.data.message },
      output: [{ type: "message", status: "incomplete" }],
    });
    expect(failed.output[0].content[0].text).toBe(DEFAULT_TOKENS.slice(0, 2).join(""));
    await expectBooked(failed.id, failed.usage, "error");
  });
});

describe("the official openai SDK against /api/v1/responses", () => {
  let client: OpenAI;
  beforeAll(() => {
    client = new OpenAI({ baseURL: `${f.app.url}/api/v1`, apiKey: f.userKey, maxRetries: 0 });
  });

  it("responses.create: a text reply with output_text and the charged usage", async () => {
    const response = await client.responses.create({
      model: "balanced",
      instructions: "Be brief.",
      input: "hello there",
    });
    expect(response.output_text).toBe(REPLY);
    expect(response.status).toBe("completed");
    await expectBooked(response.id, response.usage);
  });

  it("responses.create({ stream: true }): the events in order, the last one carrying the charged usage", async () => {
    const seen: ResponseStreamEvent[] = [];
    for await (const event of await client.responses.create({ model: "balanced", input: "hello there", stream: true }))
      seen.push(event);
    expect(seen[0]!.type).toBe("response.created");
    const last = seen.at(-1)!;
    if (last.type !== "response.completed") throw new Error(`the stream ended with ${last.type}`);
    expect(
      seen
        .filter((e) => e.type === "response.output_text.delta")
        .map((e) => e.delta)
        .join(""),
    ).toBe(REPLY);
    await expectBooked(last.response.id, last.response.usage);
  });

  it("responses.stream(...).finalResponse(): the assembled Response", async () => {
    const final = await client.responses.stream({ model: "balanced", input: "hello there" }).finalResponse();
    expect(final.output_text).toBe(REPLY);
    await expectBooked(final.id, final.usage);
  });

  it("falls back to an Anthropic provider before the first token, the stream none the wiser", async () => {
    f.mock.setBehavior({ status: 503 }, { model: "mock-small" });
    const { data: stream, response } = await client.responses
      .create({ model: "balanced", input: "hello there", stream: true })
      .withResponse();
    expect(response.headers.get("x-fallback-count")).toBe("1");
    let final: OpenAI.Responses.Response | null = null;
    for await (const event of stream) if (event.type === "response.completed") final = event.response;
    expect(final).toMatchObject({ model: "claude/claude-mock", status: "completed" });
    expect(final!.output).toMatchObject([{ type: "message", content: [{ type: "output_text", text: REPLY }] }]);
    await expectBooked(final!.id, final!.usage);
  });

  it("a function-tool round trip, sending the reply's output back as input", async () => {
    f.mock.setBehavior({ toolCall: { name: "get_weather", arguments: PARIS } });
    const input: OpenAI.Responses.ResponseInput = [
      { role: "user", content: "What is the weather like in Paris today?" },
    ];
    const asked = await client.responses.create({ model: "balanced", input, tools: [weatherTool] });
    const call = asked.output.find((o) => o.type === "function_call");
    if (!call) throw new Error("no function_call in the reply");
    expect(JSON.parse(call.arguments)).toEqual({ location: "Paris, France" });
    await expectBooked(asked.id, asked.usage);

    f.mock.resetBehavior();
    // The whole output goes back (here just the call), as OpenAI's function-calling guide does.
    expect(asked.output).toEqual([call]);
    input.push(call, { type: "function_call_output", call_id: call.call_id, output: "14°C" });
    const answered = await client.responses.stream({ model: "balanced", input, tools: [weatherTool] }).finalResponse();
    expect(answered.output_text).toBe(REPLY);
    expect(lastUpstreamBody().messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: call.call_id, type: "function", function: { name: "get_weather", arguments: PARIS } }],
      },
      { role: "tool", tool_call_id: call.call_id, content: "14°C" },
    ]);
    await expectBooked(answered.id, answered.usage);
  });
});

describe("refused requests: 400 in OpenAI's error shape, nothing held, charged or logged", () => {
  /** A fresh user's rows: their refused requests must leave none behind (their grant aside). */
  async function traces(userId: string) {
    const [row] = await sql<{ usage: string; reservations: string; entries: string }>(
      f.url,
      `SELECT (SELECT count(*) FROM usage_logs WHERE user_id = $1)::text AS usage,
              (SELECT count(*) FROM reservations r JOIN credit_accounts a ON a.id = r.account_id WHERE a.user_id = $1)::text AS reservations,
              (SELECT count(*) FROM ledger_entries e JOIN credit_accounts a ON a.id = e.account_id WHERE a.user_id = $1)::text AS entries`,
      [userId],
    );
    return row;
  }

  it("refuses previous_response_id, conversation and background, saying why", async () => {
    const caller = await f.newCaller("responses-stateful", 5_000_000);
    const before = await traces(caller.id);
    const res = await responses(
      { model: "balanced", input: "and then?", previous_response_id: "resp_123" },
      caller.key,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message:
          "previous_response_id is not supported: Switchyard does not store responses; send the conversation as input items",
        type: "invalid_request_error",
        code: "invalid_request",
        param: "previous_response_id",
      },
    });
    for (const [field, value] of [
      ["conversation", "conv_1"],
      ["background", true],
    ] as const) {
      const other = await responses({ model: "balanced", input: "hi", [field]: value }, caller.key);
      expect(other.status).toBe(400);
      expect((await other.json()).error).toMatchObject({
        type: "invalid_request_error",
        param: field,
        message: expect.stringContaining(`${field} is not supported`),
      });
    }
    const sdk = new OpenAI({ baseURL: `${f.app.url}/api/v1`, apiKey: caller.key, maxRetries: 0 });
    const err = await sdk.responses
      .create({ model: "balanced", input: "and then?", previous_response_id: "resp_123" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect(err).toMatchObject({ status: 400, param: "previous_response_id", type: "invalid_request_error" });
    expect(f.mock.requests).toHaveLength(0);
    expect(await traces(caller.id)).toEqual(before);
  });

  it("refuses a missing model and tools other than functions", async () => {
    const caller = await f.newCaller("responses-bad-input", 5_000_000);
    const before = await traces(caller.id);
    const noModel = await responses({ input: "hello" }, caller.key);
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toEqual({
      error: { message: "model is required", type: "invalid_request_error", code: "invalid_request", param: "model" },
    });
    const webSearch = await responses(
      { model: "balanced", input: "news?", tools: [{ type: "web_search_preview" }] },
      caller.key,
    );
    expect(webSearch.status).toBe(400);
    const body = await webSearch.json();
    expect(body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_request", param: "tools.0.type" });
    expect(body.error.message).toContain("only function tools are supported");
    const orphan = await responses(
      { model: "balanced", input: [{ type: "function_call_output", call_id: "call_nope", output: "x" }] },
      caller.key,
    );
    expect(orphan.status).toBe(400);
    expect((await orphan.json()).error).toMatchObject({ type: "invalid_request_error", param: "input.0.call_id" });
    expect(f.mock.requests).toHaveLength(0);
    expect(await traces(caller.id)).toEqual(before);
  });

  it("answers an unauthenticated call with 401 in OpenAI's shape", async () => {
    const res = await responses({ model: "balanced", input: "hi" }, "sk-not-a-key");
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatchObject({ type: "authentication_error", code: "unauthorized" });
  });
});
