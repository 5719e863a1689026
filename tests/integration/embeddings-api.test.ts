// POST /api/v1/embeddings on both databases: OpenAI's shape, routed among "embeddings" models,
// held, charged per input token through the ledger, fallen back and logged like chat completions;
// spoken to by the official openai SDK (its default base64 path, and floats) and the Vercel AI
// SDK's embed / embedMany, each charged exactly the usage it reports.
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { embed, embedMany } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { usdToMicros } from "../../lib/money/units.ts";
import { computeCostMicros } from "../../lib/router/cost.ts";
import { countTextTokens } from "../../lib/router/tokens.ts";
import { gateway } from "../../lib/gateway/context.ts";
import { simulatedEmbedding } from "../../lib/providers/simulated-embeddings.ts";
import { MOCK_EMBEDDING_DIMENSIONS, mockEmbedding } from "../doubles/mock-upstream.ts";
import { settledUsage, type SettledUsage } from "../harness/settled-usage.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";

let f: GatewayFixture;

// Prices in USD per 1M input tokens: $1/M is 1 µ$ a token, so every charge is an exact count.
const PRICE = { first: 1, second: 2 };

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("oai", { priority: 90 });
  await f.addProvider("backup", { priority: 10 });
  await f.addModel("oai", "mock-small", { level: "ECO", input: 0.5, output: 1 });
  await f.addModel("oai", "mock-embed", {
    level: "ECO",
    input: PRICE.first,
    output: 0,
    context: 8191,
    capabilities: ["embeddings"],
  });
  await f.addModel("backup", "mock-embed-2", {
    level: "ECO",
    input: PRICE.second,
    output: 0,
    quality: 6,
    context: 8191,
    capabilities: ["embeddings"],
  });
  await f.grant(f.user.id, 10);
});
afterAll(() => f?.close());
beforeEach(() => f.reset());

const settled = (requestId: string) => settledUsage(f.url, requestId);

/** The request id a reply's headers name (the SDKs hand their raw headers over on request). */
const requestIdOf = (headers: Headers | Record<string, string> | undefined): string => {
  const id = headers instanceof Headers ? headers.get("x-request-id") : headers?.["x-request-id"];
  if (!id) throw new Error("no x-request-id in the reply");
  return id;
};

const reservedMicros = async (userId: string) =>
  (
    await sql<{ r: string }>(f.url, "SELECT reserved_micros::text AS r FROM credit_accounts WHERE user_id = $1", [
      userId,
    ])
  )[0]!.r;

const usageCount = async () =>
  Number((await sql<{ n: string }>(f.url, "SELECT count(*)::text AS n FROM usage_logs"))[0]!.n);

/** Charged exactly prompt_tokens at the served model's price, in the ledger once, logged as embeddings. */
function expectCharged(row: SettledUsage, promptTokens: number, pricePerMillion: number) {
  expect(row).toMatchObject({
    api: "embeddings",
    status: "success",
    prompt_tokens: promptTokens,
    completion_tokens: 0,
    stream: false,
  });
  expect(Number(row.charged)).toBe(computeCostMicros(promptTokens, 0, usdToMicros(String(pricePerMillion)), 0));
  expect(row.ledger).toBe(row.charged);
  expect(row.charges).toBe("1");
  expect(row.hold).toBe("SETTLED");
}

describe("POST /api/v1/embeddings", () => {
  it("embeds a string: OpenAI's shape, routing headers, charged per input token and logged as embeddings", async () => {
    const res = await f.asUser("/api/v1/embeddings", { body: { model: "auto", input: "the quick brown fox" } });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: mockEmbedding("the quick brown fox", MOCK_EMBEDDING_DIMENSIONS) },
      ],
      model: "oai/mock-embed",
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    expect(res.headers.get("x-provider-used")).toBe("oai");
    expect(res.headers.get("x-model-used")).toBe("oai/mock-embed");
    expect(res.headers.get("x-cost-incurred")).toBe("0.000004");
    expect(Number(res.headers.get("x-credits-remaining"))).toBeGreaterThan(0);
    // The upstream got the inputs as a list, floats asked for, no routing fields.
    expect(f.mock.requests.at(-1)!.body).toEqual({
      model: "mock-embed",
      input: ["the quick brown fox"],
      encoding_format: "float",
    });
    const row = await settled(res.headers.get("x-request-id")!);
    expectCharged(row, 4, PRICE.first);
    expect(row.model_name).toBe("oai/mock-embed");
  });

  it("embeds an array in order, and honours dimensions", async () => {
    const input = ["one", "two words", "and three words"];
    const res = await f.asUser("/api/v1/embeddings", { body: { model: "eco", input, dimensions: 3 } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data.map((d: { index: number }) => d.index)).toEqual([0, 1, 2]);
    expect(res.json.data.map((d: { embedding: number[] }) => d.embedding)).toEqual(
      input.map((t) => mockEmbedding(t, 3)),
    );
    expect(res.json.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
    expect(f.mock.requests.at(-1)!.body.dimensions).toBe(3);
    expectCharged(await settled(res.headers.get("x-request-id")!), 6, PRICE.first);
  });

  it("falls back when the first provider fails: served by the next, the hold settled once", async () => {
    f.mock.setBehavior({ status: 503, errorMessage: "overloaded" }, { model: "mock-embed" });
    const res = await f.asUser("/api/v1/embeddings", { body: { model: "auto", input: ["fall", "back now"] } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.model).toBe("backup/mock-embed-2");
    expect(res.headers.get("x-fallback-count")).toBe("1");
    expect(res.headers.get("x-routing-reason")).toContain("fallback #1 after oai/mock-embed failed (503)");
    const row = await settled(res.headers.get("x-request-id")!);
    expectCharged(row, 3, PRICE.second);
    expect(row.fallback_count).toBe(1);
  });

  it("falls back when the first provider does not answer within its first-token timeout", async () => {
    const oai = (await f.asAdmin("/api/admin/providers")).json.data.find((p: { slug: string }) => p.slug === "oai");
    await f.asAdmin(`/api/admin/providers/${oai.id}`, { method: "PATCH", body: { first_token_timeout_ms: 300 } });
    try {
      f.mock.setBehavior({ delayResponseMs: 2_000 }, { model: "mock-embed" });
      const res = await f.asUser("/api/v1/embeddings", { body: { model: "auto", input: "too slow" } });
      expect(res.status, res.text).toBe(200);
      expect(res.json.model).toBe("backup/mock-embed-2");
      expect(res.headers.get("x-routing-reason")).toContain("oai/mock-embed failed (408)");
      await f.mock.waitFor((r) => r.model === "mock-embed" && r.aborted);
    } finally {
      await f.asAdmin(`/api/admin/providers/${oai.id}`, { method: "PATCH", body: { first_token_timeout_ms: 3000 } });
    }
  });

  it("answers 503 when every provider is busy, releasing the hold with nothing charged", async () => {
    f.mock.setBehavior({ status: 503 });
    const res = await f.asUser("/api/v1/embeddings", { body: { model: "auto", input: "nobody home" } });
    expect(res.status).toBe(503);
    expect(res.json.error).toMatchObject({ type: "api_error", code: "no_provider_available" });
    const row = await settled(res.headers.get("x-request-id")!);
    // Settled at 0: the hold is gone, nothing was taken.
    expect(row).toMatchObject({ api: "embeddings", status: "error", charged: "0", ledger: null, hold: "SETTLED" });
    expect(await reservedMicros(f.user.id)).toBe("0");
  });

  it("passes an upstream's 400 through without falling back, charging nothing", async () => {
    f.mock.setBehavior({ status: 400, errorMessage: "dimensions not supported" }, { model: "mock-embed" });
    const res = await f.asUser("/api/v1/embeddings", {
      body: { model: "oai/mock-embed", input: "x", dimensions: 4096 },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: "invalid_request_error", code: "upstream_rejected" });
    expect(res.json.error.message).toContain("dimensions not supported");
    expect(await settled(res.headers.get("x-request-id")!)).toMatchObject({
      status: "error",
      charged: "0",
      hold: "SETTLED",
    });
    expect(await reservedMicros(f.user.id)).toBe("0");
  });

  it("serves a pinned embeddings model; refuses a pinned chat model with 400 before any charge", async () => {
    const pinned = await f.asUser("/api/v1/embeddings", { body: { model: "backup/mock-embed-2", input: "pinned" } });
    expect(pinned.status, pinned.text).toBe(200);
    expect(pinned.json.model).toBe("backup/mock-embed-2");
    const before = await usageCount();
    const chat = await f.asUser("/api/v1/embeddings", { body: { model: "oai/mock-small", input: "not a chat" } });
    expect(chat.status).toBe(400);
    expect(chat.json.error).toMatchObject({
      type: "invalid_request_error",
      code: "model_not_supported",
      param: "model",
    });
    // And the other way round: chat never reaches an embeddings model.
    const talk = await f.asUser("/api/v1/chat/completions", {
      body: { model: "oai/mock-embed", messages: [{ role: "user", content: "hi" }] },
    });
    expect(talk.status).toBe(400);
    expect(talk.json.error.code).toBe("model_not_supported");
    expect(await usageCount()).toBe(before);
    expect(f.mock.requests.filter((r) => r.model === "mock-small" || r.path.endsWith("/chat/completions"))).toEqual([]);
  });

  it("skips a candidate whose provider has no embeddings API (an Anthropic model mislabelled), leaving its health alone", async () => {
    const claude = await f.addProvider("claude", { kind: "anthropic", priority: 50 });
    // PRECISION: auto routing (an ECO pool here) never reaches it; only the pin does.
    await f.addModel("claude", "claude-embed", {
      level: "PRECISION",
      input: 1,
      output: 0,
      context: 8191,
      capabilities: ["embeddings"],
    });
    const res = await f.asUser("/api/v1/embeddings", { body: { model: "claude/claude-embed", input: "x" } });
    expect(res.status).toBe(502);
    expect(res.json.error.code).toBe("no_provider_available");
    expect(res.json.error.message).toContain("claude has no embeddings API");
    expect(f.mock.requests).toEqual([]);
    const row = await settled(res.headers.get("x-request-id")!);
    expect(row).toMatchObject({ status: "error", charged: "0", hold: "SETTLED" });
    // Nothing is wrong with the provider: its breaker saw no attempt.
    expect(gateway().breakers.stats(claude.id)).toEqual({ lastError: null });
  });

  it("refuses bad input with OpenAI's 400 shape, before any charge", async () => {
    const before = await usageCount();
    for (const [body, param] of [
      [{ model: "auto", input: "" }, "input"],
      [{ model: "auto", input: [] }, "input"],
      [{ model: "auto", input: ["ok", 3] }, "input"],
      [{ model: "auto" }, "input"],
      [{ input: "x" }, "model"],
      [{ model: "auto", input: "x", encoding_format: "int8" }, "encoding_format"],
      [{ model: "auto", input: "x", dimensions: -1 }, "dimensions"],
    ] as const) {
      const res = await f.asUser("/api/v1/embeddings", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error).toMatchObject({ type: "invalid_request_error", param });
    }
    // An input longer than every embeddings model's window (8191), however short the others.
    const long = await f.asUser("/api/v1/embeddings", {
      body: { model: "auto", input: ["short", "word ".repeat(9_000)] },
    });
    expect(long.status).toBe(400);
    expect(long.json.error).toMatchObject({ code: "context_length_exceeded", param: "input" });
    expect(await usageCount()).toBe(before);
    expect(f.mock.requests).toEqual([]);
  });

  it("answers 402 when the credits cannot cover the hold", async () => {
    const broke = await f.newCaller("broke");
    const res = await broke.call("/api/v1/embeddings", { body: { model: "auto", input: "no money" } });
    expect(res.status).toBe(402);
    expect(res.json.error).toMatchObject({ type: "insufficient_quota", code: "insufficient_credits" });
  });

  it("holds a bound of every input's bytes, not a guess, and settles the real count", async () => {
    const caller = await f.newCaller("bound", 1_000_000);
    // 2 inputs: 5 + 13 bytes, each + 16 tokens of allowance = 50 tokens at $2/M on the dearer candidate = 100 µ$.
    const res = await caller.call("/api/v1/embeddings", { body: { model: "auto", input: ["hello", "hello world!!"] } });
    expect(res.status, res.text).toBe(200);
    const id = res.headers.get("x-request-id")!;
    const [hold] = await sql<{ amount: string }>(
      f.url,
      "SELECT amount_micros::text AS amount FROM reservations WHERE id = $1",
      [id],
    );
    expect(hold!.amount).toBe("100");
    expectCharged(await settled(id), 3, PRICE.first);
  });

  it("keeps a key's fences, and routes past a routing profile that names only chat models", async () => {
    const owner = await f.newCaller("fenced", 1_000_000);
    const key = async (body: Record<string, unknown>) => {
      const res = await owner.call("/api/keys", { body: { name: "k", ...body } });
      expect(res.status, res.text).toBe(201);
      return f.callAs(res.json.key as string);
    };
    const backupOnly = await key({ allowed_models: ["backup/*", "oai/mock-small"] });
    expect((await backupOnly("/api/v1/embeddings", { body: { model: "auto", input: "fenced" } })).json.model).toBe(
      "backup/mock-embed-2",
    );
    const denied = await backupOnly("/api/v1/embeddings", { body: { model: "oai/mock-embed", input: "fenced" } });
    expect([denied.status, denied.json.error.code]).toEqual([403, "model_not_allowed"]);
    const profiled = await key({ routing_profile: { primary: "oai/mock-small" } });
    const res = await profiled("/api/v1/embeddings", { body: { model: "auto", input: "profiled" } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.model).toBe("oai/mock-embed");
  });

  it("lists embeddings models in /v1/models", async () => {
    const res = await f.asUser("/api/v1/models");
    const entry = res.json.data.find((m: { id: string }) => m.id === "oai/mock-embed");
    expect(entry.switchyard).toMatchObject({ capabilities: ["embeddings"], output_per_1m: 0 });
  });
});

describe("SDKs against /api/v1/embeddings", () => {
  it("the official openai SDK: embeddings.create with its default base64 encoding, and with floats", async () => {
    const client = f.openai();
    const { data: b64, response } = await client.embeddings
      .create({ model: "eco", input: "base64 by default" })
      .withResponse();
    expect(f.mock.requests.at(-1)!.body.encoding_format).toBe("float"); // we re-encode
    expect(b64.data[0]!.embedding).toEqual(mockEmbedding("base64 by default", MOCK_EMBEDDING_DIMENSIONS));
    expect(b64.model).toBe("oai/mock-embed");
    expect(b64.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expectCharged(await settled(requestIdOf(response.headers)), b64.usage.prompt_tokens, PRICE.first);

    const asFloats = await client.embeddings
      .create({ model: "eco", input: ["as floats", "please"], encoding_format: "float" })
      .withResponse();
    expect(asFloats.data.data.map((d) => d.embedding)).toEqual([
      mockEmbedding("as floats", MOCK_EMBEDDING_DIMENSIONS),
      mockEmbedding("please", MOCK_EMBEDDING_DIMENSIONS),
    ]);
    expect(asFloats.data.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expectCharged(
      await settled(requestIdOf(asFloats.response.headers)),
      asFloats.data.usage.prompt_tokens,
      PRICE.first,
    );
  });

  it("the official openai SDK gets OpenAI's error for a chat model", async () => {
    const err = await f
      .openai()
      .embeddings.create({ model: "oai/mock-small", input: "x" })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: "model_not_supported", param: "model" });
  });

  it("the Vercel AI SDK: embed and embedMany", async () => {
    const switchyard = createOpenAICompatible({
      name: "switchyard",
      baseURL: `${f.app.url}/api/v1`,
      apiKey: f.userKey,
    });
    const one = await embed({ model: switchyard.embeddingModel("eco"), value: "sunny day at the beach" });
    expect(one.embedding).toEqual(mockEmbedding("sunny day at the beach", MOCK_EMBEDDING_DIMENSIONS));
    expect(one.usage.tokens).toBe(5);
    expectCharged(await settled(requestIdOf(one.response?.headers)), one.usage.tokens, PRICE.first);

    const many = await embedMany({
      model: switchyard.embeddingModel("oai/mock-embed"),
      values: ["rainy day", "snowy mountain top", "windy"],
    });
    expect(many.embeddings).toEqual(
      ["rainy day", "snowy mountain top", "windy"].map((t) => mockEmbedding(t, MOCK_EMBEDDING_DIMENSIONS)),
    );
    expect(many.usage.tokens).toBe(6);
    // One call for all three (the SDK batches up to 2048 values).
    expect(many.responses).toHaveLength(1);
    expectCharged(await settled(requestIdOf(many.responses?.[0]?.headers)), many.usage.tokens, PRICE.first);
  });

  it("the built-in simulated provider: deterministic vectors, the real tokenizer's count at the catalog's price", async () => {
    const sim = (await f.asAdmin("/api/admin/providers")).json.data.find(
      (p: { slug: string }) => p.slug === "simulated",
    );
    const on = await f.asAdmin(`/api/admin/providers/${sim.id}`, {
      method: "PATCH",
      body: {
        enabled: true,
        simulation: { first_token_ms: 0, tokens_per_second: 0, error_rate: 0, error_status: 500 },
      },
    });
    expect(on.status, on.text).toBe(200);
    try {
      const text = "Embeddings from the simulator.";
      const { data: res, response } = await f
        .openai()
        .embeddings.create({ model: "simulated/sim-embed", input: text, dimensions: 256 })
        .withResponse();
      expect(res.data[0]!.embedding).toEqual(simulatedEmbedding("sim-embed", text, 256));
      expect(res.usage.prompt_tokens).toBe(countTextTokens(text));
      // sim-embed lists $0.02 per 1M input tokens (seed catalog): a few tokens cost 1 µ$ (rounded up).
      expectCharged(await settled(requestIdOf(response.headers)), res.usage.prompt_tokens, 0.02);
    } finally {
      await f.asAdmin(`/api/admin/providers/${sim.id}`, { method: "PATCH", body: { enabled: false } });
    }
  });
});
