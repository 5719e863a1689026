// P7: charges that match the providers' invoices. Every token class a provider prices on its own
// (cache reads, cache writes, reasoning as output) is priced at the catalog's price for it, and
// calls that break, or that the client cancels, after the provider started billing are charged
// as the provider bills them. Each expected figure is worked out by hand in the comments.
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGatewayFixture, type FixtureCaller, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";
import { waitUntil } from "../helpers/wait.ts";
import { reserve, verifyLedger } from "../../lib/ledger/ledger.ts";
import { replayJournals } from "../../lib/ledger/settlements.ts";

let f: GatewayFixture;
let caller: FixtureCaller;

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("oai", { priority: 90 });
  await f.addProvider("claude", { kind: "anthropic", priority: 70 });
  // gpt-4o-mini's list prices: $0.15 input, $0.075 cached input, $0.60 output per 1M.
  await f.addModel("oai", "mock-small", { level: "BALANCED", input: 0.15, output: 0.6 });
  // Claude 3.5 Sonnet's: $3 input, $0.30 cache read, $3.75 cache write, $15 output per 1M.
  await f.addModel("claude", "claude-mock", { level: "PRECISION", input: 3, output: 15 });
  await setCachePrices("oai/mock-small", { cache_read_per_1m: 0.075 });
  await setCachePrices("claude/claude-mock", { cache_read_per_1m: 0.3, cache_write_per_1m: 3.75 });
  caller = await f.newCaller("invoice", 10_000_000);
});
afterAll(() => f?.close());
beforeEach(() => f.reset());

/** Sets a model's cache prices through the admin API, as an admin would. */
async function setCachePrices(
  modelId: string,
  prices: { cache_read_per_1m?: number | null; cache_write_per_1m?: number | null },
) {
  const listed = (await f.asAdmin("/api/admin/models")).json.data.find(
    (m: { model_id: string }) => m.model_id === modelId,
  );
  const res = await f.asAdmin(`/api/admin/models/${listed.id}`, { method: "PATCH", body: prices });
  expect(res.status).toBe(200);
  return res.json;
}

type Row = {
  status: string;
  provider_slug: string;
  fallback_count: number;
  byok: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  charged_micros: string;
  provider_cost_micros: string;
  input_cost_micros: string;
  cache_read_cost_micros: string;
  cache_write_cost_micros: string;
  output_cost_micros: string;
  ledger_charge: string | null;
  held: string | null;
};

async function row(requestId: string): Promise<Row | undefined> {
  const rows = await sql<Row>(
    f.url,
    `SELECT u.status, u.provider_slug, u.fallback_count, u.byok, u.prompt_tokens, u.completion_tokens, u.cache_read_tokens, u.cache_write_tokens, u.reasoning_tokens,
            u.charged_micros::text, u.provider_cost_micros::text, u.input_cost_micros::text, u.cache_read_cost_micros::text,
            u.cache_write_cost_micros::text, u.output_cost_micros::text,
            (SELECT (-amount_micros)::text FROM ledger_entries WHERE idempotency_key = 'charge:' || u.id) AS ledger_charge,
            (SELECT amount_micros::text FROM reservations WHERE id = u.id) AS held
     FROM usage_logs u WHERE u.id = $1`,
    [requestId],
  );
  return rows[0];
}

const settledRow = (requestId: string) => waitUntil(`the usage row of ${requestId}`, () => row(requestId), 5_000);

/** The row's money, as its invoice line: charge, provider cost and the parts by class. */
const invoice = (r: Row) => ({
  charged: Number(r.charged_micros),
  ledger: r.ledger_charge === null ? 0 : Number(r.ledger_charge),
  provider: Number(r.provider_cost_micros),
  input: Number(r.input_cost_micros),
  cacheRead: Number(r.cache_read_cost_micros),
  cacheWrite: Number(r.cache_write_cost_micros),
  output: Number(r.output_cost_micros),
});

/** A streamed request, read to its end; its request id and the final usage chunk. */
async function streamed(c: { call: FixtureCaller["call"] }, body: Record<string, unknown>) {
  const res = await c.call("/api/v1/chat/completions", { body: { stream: true, ...body } });
  expect(res.status).toBe(200);
  const frames = res.text
    .split("\n")
    .filter((l: string) => l.startsWith("data: {"))
    .map((l: string) => JSON.parse(l.slice(6)));
  return {
    requestId: res.headers.get("x-request-id")!,
    usage: frames.find((j: { usage?: unknown }) => j.usage)?.usage as { cost: number } | undefined,
    text: res.text,
  };
}

describe("the charge of a served request is the provider's invoice line", () => {
  it("openai-compatible: cached input at its own price, reasoning as output", async () => {
    f.mock.setBehavior(
      { reportPromptTokens: 1_200, cacheReadTokens: 1_000, reasoningTokens: 40 },
      { model: "mock-small" },
    );
    const { requestId, usage } = await streamed(caller, {
      model: "oai/mock-small",
      messages: [{ role: "user", content: "tell me about caches" }],
    });
    const r = (await settledRow(requestId))!;
    // Prompt 1,200 of which 1,000 cached; output = 6 visible pieces + 40 reasoning = 46.
    expect(r).toMatchObject({
      status: "success",
      prompt_tokens: 1_200,
      cache_read_tokens: 1_000,
      cache_write_tokens: 0,
      completion_tokens: 46,
      reasoning_tokens: 40,
    });
    //   200 uncached × $0.15/M  =  30     µ$
    // 1,000 cached   × $0.075/M =  75     µ$
    //    46 output   × $0.60/M  =  27.6   µ$
    //                   total   = 132.6 → 133 µ$ (one ceiling; the 0.6 fraction makes output 28)
    expect(invoice(r)).toEqual({
      charged: 133,
      ledger: 133,
      provider: 133,
      input: 30,
      cacheRead: 75,
      cacheWrite: 0,
      output: 28,
    });
    expect(usage!.cost).toBe(0.000133);
    // Without the cache price the same call would have cost ceil(1,200 × 0.15 + 27.6) = 208 µ$.
  });

  it("anthropic: cache reads and writes at their own prices, the hold priced at the cache-write price", async () => {
    f.mock.setBehavior(
      { reportPromptTokens: 200, cacheReadTokens: 1_000, cacheCreationTokens: 333, reasoningTokens: 4 },
      { model: "claude-mock" },
    );
    const messages = [{ role: "user", content: "word ".repeat(400).trim() }];
    const { requestId, usage } = await streamed(caller, { model: "claude/claude-mock", max_tokens: 50, messages });
    const r = (await settledRow(requestId))!;
    // Anthropic's input_tokens (200) leave out the cache: prompt = 200 + 1,000 read + 333 written.
    // Output: 6 pieces + 4 thinking tokens (Anthropic counts thinking in output_tokens).
    expect(r).toMatchObject({
      status: "success",
      prompt_tokens: 1_533,
      cache_read_tokens: 1_000,
      cache_write_tokens: 333,
      completion_tokens: 10,
      reasoning_tokens: 0,
    });
    //   200 input   × $3/M    =   600    µ$
    // 1,000 read    × $0.30/M =   300    µ$
    //   333 written × $3.75/M = 1,248.75 µ$
    //    10 output  × $15/M   =   150    µ$
    //                 total   = 2,298.75 → 2,299 µ$ (the cache write takes the extra micro-dollar)
    expect(invoice(r)).toEqual({
      charged: 2_299,
      ledger: 2_299,
      provider: 2_299,
      input: 600,
      cacheRead: 300,
      cacheWrite: 1_249,
      output: 150,
    });
    expect(usage!.cost).toBe(0.002299);
    // The hold: the prompt bound (2,046 bytes of JSON + 16) at the dearest prompt price, the
    // cache write's $3.75/M, plus 50 × $15/M: ceil(2,062 × 3.75 + 750) = ceil(8,482.5) = 8,483 µ$.
    expect(Number(r.held)).toBe(8_483);
  });

  it("simulated (the built-in provider): its tokenizer counts at the catalog's prices", async () => {
    // Seeded, disabled by the fixture; a fixed reply and no delay so the figures are known.
    const sim = (await f.asAdmin("/api/admin/providers")).json.data.find(
      (p: { slug: string }) => p.slug === "simulated",
    );
    const on = await f.asAdmin(`/api/admin/providers/${sim.id}`, {
      method: "PATCH",
      body: {
        enabled: true,
        simulation: {
          first_token_ms: 0,
          tokens_per_second: 0,
          error_rate: 0,
          error_status: 500,
          reply: "Hello from the simulator.",
        },
      },
    });
    expect(on.status, on.text).toBe(200);
    try {
      const res = await caller.call("/api/v1/chat/completions", {
        body: { model: "simulated/sim-precision", messages: [{ role: "user", content: "hi" }] },
      });
      expect(res.status, res.text).toBe(200);
      const r = (await settledRow(res.headers.get("x-request-id")!))!;
      // "Hello from the simulator." is 5 o200k tokens (Hello, ␣from, ␣the, ␣simulator, .); the prompt, as the simulator counts it, is what the row says.
      expect(r).toMatchObject({ status: "success", completion_tokens: 5, cache_read_tokens: 0, cache_write_tokens: 0 });
      const p = r.prompt_tokens;
      expect(res.json.usage).toMatchObject({ prompt_tokens: p, completion_tokens: 5 });
      // sim-precision lists $3 input and $15 output per 1M: 3·p + 5 × 15 = 3p + 75 µ$, whole numbers, no rounding.
      expect(invoice(r)).toEqual({
        charged: 3 * p + 75,
        ledger: 3 * p + 75,
        provider: 3 * p + 75,
        input: 3 * p,
        cacheRead: 0,
        cacheWrite: 0,
        output: 75,
      });
    } finally {
      await f.asAdmin(`/api/admin/providers/${sim.id}`, { method: "PATCH", body: { enabled: false } });
    }
  });

  it("BYOK: the caller's key paid the provider, so nothing is charged and nothing is owed to it", async () => {
    await f.asAdmin("/api/admin/providers", {
      body: { slug: "ownkey", name: "ownkey", kind: "anthropic", base_url: f.mock.url, priority: 10, region: "us" },
    });
    await f.addModel("ownkey", "claude-own", { level: "PRECISION", input: 3, output: 15 });
    await setCachePrices("ownkey/claude-own", { cache_read_per_1m: 0.3, cache_write_per_1m: 3.75 });
    expect((await caller.call("/api/byok", { body: { provider: "ownkey", api_key: "upstream-secret" } })).status).toBe(
      201,
    );
    f.mock.setBehavior({ reportPromptTokens: 200, cacheReadTokens: 1_000 }, { model: "claude-own" });
    const { requestId } = await streamed(caller, {
      model: "ownkey/claude-own",
      messages: [{ role: "user", content: "hi" }],
    });
    const r = (await settledRow(requestId))!;
    expect(r).toMatchObject({ byok: true, prompt_tokens: 1_200, cache_read_tokens: 1_000, completion_tokens: 6 });
    expect(invoice(r)).toEqual({
      charged: 0,
      ledger: 0,
      provider: 0,
      input: 0,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0,
    });
  });
});

describe("calls that end early are charged as the provider bills them", () => {
  it("a stream that breaks after it started: the prompt and what was produced", async () => {
    // Anthropic said the prompt's counts in message_start, before the break.
    f.mock.setBehavior(
      { reportPromptTokens: 200, cacheReadTokens: 1_000, breakAfterChunks: 3 },
      { model: "claude-mock" },
    );
    const anthropic = await streamed(caller, {
      model: "claude/claude-mock",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(anthropic.text).toContain("upstream_stream_broken");
    const a = (await settledRow(anthropic.requestId))!;
    // Prompt 200 + 1,000 read; output: "Hello from the" arrived = 3 tokens (o200k).
    expect(a).toMatchObject({ status: "error", prompt_tokens: 1_200, cache_read_tokens: 1_000, completion_tokens: 3 });
    // 200 × $3/M = 600; 1,000 × $0.30/M = 300; 3 × $15/M = 45 → 945 µ$.
    expect(invoice(a)).toEqual({
      charged: 945,
      ledger: 945,
      provider: 945,
      input: 600,
      cacheRead: 300,
      cacheWrite: 0,
      output: 45,
    });

    // OpenAI reports usage only at the end: the gateway's own counts stand in for it.
    f.mock.setBehavior({ breakAfterChunks: 3 }, { model: "mock-small" });
    const openai = await streamed(caller, {
      model: "oai/mock-small",
      messages: [{ role: "user", content: "tell me about caches" }],
    });
    const o = (await settledRow(openai.requestId))!;
    // Prompt: the tokenizer's estimate of the messages, 11; output "Hello from the" = 3.
    expect(o).toMatchObject({ status: "error", prompt_tokens: 11, cache_read_tokens: 0, completion_tokens: 3 });
    // 11 × $0.15/M = 1.65; 3 × $0.60/M = 1.8 → ceil(3.45) = 4 µ$ (input 1 + 1 for its 0.65, output 1 + 1 for its 0.8).
    expect(invoice(o)).toEqual({
      charged: 4,
      ledger: 4,
      provider: 4,
      input: 2,
      cacheRead: 0,
      cacheWrite: 0,
      output: 2,
    });
  });

  it("a client that cancels mid-stream: the prompt and what was produced until then", async () => {
    f.mock.setBehavior(
      {
        reportPromptTokens: 200,
        cacheReadTokens: 1_000,
        tokens: Array.from({ length: 200 }, (_, i) => ` tok${i}`),
        chunkDelayMs: 20,
      },
      { model: "claude-mock" },
    );
    const ctrl = new AbortController();
    const res = await fetch(`${f.app.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${caller.key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude/claude-mock",
        stream: true,
        messages: [{ role: "user", content: "long please" }],
      }),
      signal: ctrl.signal,
    });
    const reader = res.body!.getReader();
    for (let seen = 0; seen < 5;)
      seen += new TextDecoder().decode((await reader.read()).value).split("data: ").length - 1;
    ctrl.abort();
    await f.mock.waitFor((r) => r.model === "claude-mock" && r.aborted, 3_000);
    const r = (await settledRow(res.headers.get("x-request-id")!))!;
    expect(r).toMatchObject({ status: "cancelled", prompt_tokens: 1_200, cache_read_tokens: 1_000 });
    const n = r.completion_tokens;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(400);
    // 200 × $3/M = 600 and 1,000 × $0.30/M = 300 for the prompt; n produced × $15/M = 15·n µ$.
    expect(invoice(r)).toEqual({
      charged: 900 + 15 * n,
      ledger: 900 + 15 * n,
      provider: 900 + 15 * n,
      input: 600,
      cacheRead: 300,
      cacheWrite: 0,
      output: 15 * n,
    });
  });

  it("an attempt refused before any token costs nothing: only the fallback that served is charged", async () => {
    await f.addProvider("flaky", { priority: 95 });
    await f.addProvider("steady", { priority: 60 });
    await f.addModel("flaky", "mock-flaky", { level: "ECO", input: 0.5, output: 1, quality: 9, latencyMs: 100 });
    await f.addModel("steady", "mock-steady", { level: "ECO", input: 1, output: 2, quality: 5, latencyMs: 900 });
    f.mock.setBehavior({ status: 500 }, { model: "mock-flaky" });
    f.mock.setBehavior({ reportPromptTokens: 1_000 }, { model: "mock-steady" });
    const { requestId, usage } = await streamed(caller, { model: "eco", messages: [{ role: "user", content: "hi" }] });
    const r = (await settledRow(requestId))!;
    expect(r).toMatchObject({
      status: "success",
      provider_slug: "steady",
      fallback_count: 1,
      prompt_tokens: 1_000,
      completion_tokens: 6,
    });
    expect(f.mock.requests.map((q) => q.model)).toEqual(["mock-flaky", "mock-steady"]);
    // Only the served attempt: 1,000 × $1/M = 1,000; 6 × $2/M = 12 → 1,012 µ$.
    expect(invoice(r)).toEqual({
      charged: 1_012,
      ledger: 1_012,
      provider: 1_012,
      input: 1_000,
      cacheRead: 0,
      cacheWrite: 0,
      output: 12,
    });
    expect(usage!.cost).toBe(0.001012);
  });

  it("an attempt that broke after its provider started billing is the platform's cost, not the caller's charge", async () => {
    // Dearer but better, so PRECISION tries it first; Anthropic bills the prompt it acknowledged.
    await f.addProvider("halfway", { kind: "anthropic", priority: 99 });
    await f.addModel("halfway", "claude-halfway", { level: "PRECISION", input: 3, output: 15, quality: 10 });
    f.mock.setBehavior({ reportPromptTokens: 100 }, { model: "claude-mock" });
    const c = await f.newCaller("halfway", 10_000_000); // no BYOK key: the platform's providers serve

    // 1. Not streamed to the client: the first attempt breaks after 3 tokens; the fallback serves.
    f.mock.setBehavior({ reportPromptTokens: 200, breakAfterChunks: 3 }, { model: "claude-halfway" });
    const json = await c.call("/api/v1/chat/completions", {
      body: { model: "precision", messages: [{ role: "user", content: "hi" }] },
    });
    expect(json.status, json.text).toBe(200);
    const j = (await settledRow(json.headers.get("x-request-id")!))!;
    expect(j).toMatchObject({ status: "success", provider_slug: "claude", fallback_count: 1 });
    // Served: 100 × $3/M + 6 × $15/M = 300 + 90 = 390 µ$, charged. Abandoned: 200 × $3/M + 3 × $15/M
    // = 600 + 45 = 645 µ$, owed to the provider by the platform.
    expect(invoice(j)).toEqual({
      charged: 390,
      ledger: 390,
      provider: 1_035,
      input: 900,
      cacheRead: 0,
      cacheWrite: 0,
      output: 135,
    });
    const [attempts] = await sql<{ attempts: { model: string; provider_cost_micros?: number }[] }>(
      f.url,
      `SELECT attempts FROM usage_logs WHERE id = $1`,
      [json.headers.get("x-request-id")],
    );
    expect(attempts!.attempts.map((a) => [a.model, a.provider_cost_micros])).toEqual([
      ["halfway/claude-halfway", 645],
      ["claude/claude-mock", undefined],
    ]);

    // 2. Streamed: Anthropic acknowledged the prompt (message_start), then failed before any token.
    await f.resetCircuits(); // the failure above would rank it last now
    f.mock.setBehavior(
      { reportPromptTokens: 200, streamError: { afterChunks: 0, type: "overloaded_error" } },
      { model: "claude-halfway" },
    );
    const stream = await streamed(c, { model: "precision", messages: [{ role: "user", content: "hi" }] });
    const s = (await settledRow(stream.requestId))!;
    expect(s).toMatchObject({ status: "success", provider_slug: "claude", fallback_count: 1 });
    // Abandoned: message_start's counts, 200 prompt × $3/M + the 1 output token it reports × $15/M = 615 µ$.
    expect(invoice(s)).toEqual({
      charged: 390,
      ledger: 390,
      provider: 1_005,
      input: 900,
      cacheRead: 0,
      cacheWrite: 0,
      output: 105,
    });

    // 3. Refused outright (no usage, nothing produced): costs nothing.
    await f.resetCircuits();
    f.mock.setBehavior({ status: 529 }, { model: "claude-halfway" });
    const refused = await streamed(c, { model: "precision", messages: [{ role: "user", content: "hi" }] });
    expect(invoice((await settledRow(refused.requestId))!)).toEqual({
      charged: 390,
      ledger: 390,
      provider: 390,
      input: 300,
      cacheRead: 0,
      cacheWrite: 0,
      output: 90,
    });
    await f.asAdmin(
      `/api/admin/providers/${(await f.asAdmin("/api/admin/providers")).json.data.find((p: { slug: string }) => p.slug === "halfway").id}`,
      { method: "PATCH", body: { enabled: false } },
    );
  });

  it("keeps the books straight", async () => {
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);
  });
});

describe("cache prices in the admin catalog", () => {
  it("are shown, set, cleared (null: the input price) and validated like the other prices", async () => {
    const created = await f.asAdmin("/api/admin/models", {
      body: {
        provider: "oai",
        upstream_id: "mock-cache",
        name: "Cache",
        power_level: "ECO",
        input_per_1m: 2.5,
        output_per_1m: 10,
        cache_read_per_1m: 1.25,
        latency_ms: 100,
        quality: 5,
        context_tokens: 1000,
      },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ input_per_1m: 2.5, cache_read_per_1m: 1.25, cache_write_per_1m: null });
    const stored = await sql<{ r: string | null; w: string | null }>(
      f.url,
      "SELECT cache_read_price_per_1m_micros::text AS r, cache_write_price_per_1m_micros::text AS w FROM models WHERE id = $1",
      [created.json.id],
    );
    expect(stored).toEqual([{ r: "1250000", w: null }]);
    expect(await setCachePrices("oai/mock-cache", { cache_write_per_1m: 3.125 })).toMatchObject({
      cache_read_per_1m: 1.25,
      cache_write_per_1m: 3.125,
    });
    expect(await setCachePrices("oai/mock-cache", { cache_read_per_1m: null })).toMatchObject({
      cache_read_per_1m: null,
      cache_write_per_1m: 3.125,
    });
    const bad = await f.asAdmin(`/api/admin/models/${created.json.id}`, {
      method: "PATCH",
      body: { cache_write_per_1m: -1 },
    });
    expect([bad.status, bad.json.error.param, bad.json.error.message]).toEqual([
      400,
      "cache_write_per_1m",
      "Cache write price must be 0 or more",
    ]);
    await f.asAdmin(`/api/admin/models/${created.json.id}`, { method: "DELETE" });
  });
});

describe("the settlement journal across an upgrade", () => {
  it("replays a line journaled by the previous version (no token classes) with the new columns at their defaults", async () => {
    const requestId = randomUUID();
    await reserve(f.db, caller.id, requestId, 5_000);
    // The previous version's 22 usage values, ending with the receipt.
    const oldUsage = [
      requestId,
      caller.id,
      null,
      null,
      null,
      "oai",
      "mock-small",
      "BALANCED",
      "chat",
      1_200,
      46,
      208,
      null,
      900,
      120,
      "success",
      null,
      0,
      false,
      true,
      "[]",
      null,
    ];
    const dir = mkdtempSync(join(tmpdir(), "sy-old-journal-"));
    const line = {
      userId: caller.id,
      requestId,
      chargeMicros: 208,
      reference: `request ${requestId}`,
      movesMoney: true,
      usage: oldUsage,
    };
    writeFileSync(join(dir, `${hostname()}-999999-1.jsonl`), `${JSON.stringify(line)}\n`);
    expect(await replayJournals(f.db, dir)).toEqual({ files: 1, replayed: 1 });
    expect(readdirSync(dir)).toEqual([]);
    const r = (await row(requestId))!;
    expect(r).toMatchObject({
      prompt_tokens: 1_200,
      completion_tokens: 46,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
      held: "5000",
    });
    expect(invoice(r)).toEqual({
      charged: 208,
      ledger: 208,
      provider: 208,
      input: 0,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0,
    });
  });
});
