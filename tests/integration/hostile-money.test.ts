// P4 §1 and §6: input built to cost the platform more than it charges. The hold must bound the
// real charge for any input; a provider that bills past that bound leaves a visible debt, never a
// silent cap; only priced parameters reach a provider under the platform's key; a request no
// model can hold is the caller's 400; short credits cap max_tokens before stepping down.
process.env.SWITCHYARD_RATE_LIMIT_RPM = "25";

import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance, postEntry, verifyLedger } from "../../lib/ledger/ledger.ts";
import { computeCostMicros } from "../../lib/router/cost.ts";
import { estimatePromptTokens } from "../../lib/router/tokens.ts";
import { startGatewayFixture, type FixtureCaller, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";

let f: GatewayFixture;

// Prices in USD per 1M tokens (= micro-USD per token).
const LONG = { input: 1.5, output: 3 };

beforeAll(async () => {
  f = await startGatewayFixture();
  // A long-context model, as the attack needs: its window does not cap a 2.6 MB prompt's bound.
  await f.addProvider("long", { priority: 90 });
  await f.addModel("long", "mock-long", { level: "BALANCED", ...LONG, quality: 9, context: 10_000_000 });
  await f.addProvider("prec", { priority: 80 });
  await f.addModel("prec", "mock-prec", { level: "PRECISION", input: 10, output: 100, quality: 9.8, context: 128_000 });
  await f.addProvider("free", { priority: 50 });
  await f.addModel("free", "mock-free", { level: "ECO", input: 0, output: 0, quality: 6, context: 32_768 });
}, 120_000);
afterAll(() => f?.close());

type Caller = FixtureCaller;

const newCaller = (label: string, grantMicros = 0): Promise<Caller> => f.newCaller(label, grantMicros);

const chat = (c: Caller, body: Record<string, unknown>) =>
  c.call("/api/v1/chat/completions", {
    body: { messages: [{ role: "user", content: "say something short" }], ...body },
  });

/** The P4 attack text: runs of spaces where the sampler looks, rare CJK characters everywhere else. */
function samplerDefeatingText(chars: number): string {
  const rare = "\u{2A6D6}\u{2B734}\u{2B81D}\u{2CEA1}"; // each 2 UTF-16 units, 4 UTF-8 bytes, several tokens
  const stride = Math.floor(chars / 16);
  let out = "";
  for (let i = 0; i < 16; i++) {
    const block = " ".repeat(4_200);
    out += block + rare.repeat(Math.ceil((stride - block.length) / rare.length)).slice(0, stride - block.length);
  }
  return out;
}

async function chargeEntries(userId: string) {
  return sql<{ amount: string; after: string; reference: string }>(
    f.url,
    `SELECT e.amount_micros::text AS amount, e.balance_after_micros::text AS after, e.reference FROM ledger_entries e
     JOIN credit_accounts a ON a.id = e.account_id WHERE a.user_id = $1 AND e.type = 'CHARGE' ORDER BY e.id`,
    [userId],
  );
}

describe("a prompt built to defeat the token estimate", () => {
  const text = samplerDefeatingText(2_600_000);
  const exact = countTokens(text, { disallowedSpecial: new Set() });

  it("is the attack it claims to be: the sampled estimate is far below the real count", () => {
    const estimate = estimatePromptTokens([{ role: "user", content: text }]);
    expect(estimate * 10).toBeLessThan(exact);
  });

  it("with $0.069 is refused before any upstream call (402), nothing charged — it used to cost $5.31 for $0.069", async () => {
    const c = await newCaller("attacker", 69_000);
    f.mock.clearRequests();
    const res = await chat(c, { model: "long/mock-long", messages: [{ role: "user", content: text }], max_tokens: 16 });
    expect(res.status, res.text.slice(0, 300)).toBe(402);
    expect(res.json.error).toMatchObject({ code: "insufficient_credits", type: "insufficient_quota" });
    expect(f.mock.requests).toHaveLength(0);
    expect(await getBalance(f.db, c.id)).toEqual({ balanceMicros: 69_000, reservedMicros: 0, availableMicros: 69_000 });
  });

  it("with enough credits is served, and the hold covered the upstream's real count", async () => {
    const c = await newCaller("rich-attacker", 20_000_000);
    f.mock.setBehavior({ reportPromptTokens: exact, tokens: ["ok"] }, { model: "mock-long", once: true });
    const res = await chat(c, { model: "long/mock-long", messages: [{ role: "user", content: text }], max_tokens: 16 });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    const cost = computeCostMicros(exact, 1, LONG.input * 1e6, LONG.output * 1e6);
    expect(res.json.usage).toMatchObject({ prompt_tokens: exact, completion_tokens: 1 });
    expect(Math.round(res.json.usage.cost * 1e6)).toBe(cost);
    // Charged in full, from the balance, with nothing owed.
    expect(await getBalance(f.db, c.id)).toEqual({
      balanceMicros: 20_000_000 - cost,
      reservedMicros: 0,
      availableMicros: 20_000_000 - cost,
    });
    const [charge] = await chargeEntries(c.id);
    expect(charge).toMatchObject({ amount: String(-cost) });
    expect(charge!.reference).not.toContain("owed");
  });
});

describe("a provider that bills past the bound", () => {
  it("charges the whole cost, leaves the shortfall owed and visible, and blocks paid models until repaid", async () => {
    const c = await newCaller("debtor", 1_000_000);
    // A short prompt the upstream claims was 10M tokens: $15 against a $1 balance.
    f.mock.setBehavior({ reportPromptTokens: 10_000_000, tokens: ["x"] }, { model: "mock-long", once: true });
    const res = await chat(c, { model: "long/mock-long", max_tokens: 16 });
    expect(res.status, res.text).toBe(200);
    const cost = computeCostMicros(10_000_000, 1, LONG.input * 1e6, LONG.output * 1e6);
    expect(Math.round(res.json.usage.cost * 1e6)).toBe(cost);

    // The books: one CHARGE of the whole cost, the balance negative by exactly the shortfall.
    const owed = cost - 1_000_000;
    expect(await getBalance(f.db, c.id)).toMatchObject({ balanceMicros: -owed, reservedMicros: 0 });
    const [charge] = await chargeEntries(c.id);
    expect(charge).toMatchObject({ amount: String(-cost), after: String(-owed) });
    expect(charge!.reference).toMatch(/exceeded the hold of \$[\d.]+; \$14\.000003 not covered by the balance is owed/);
    const usage = await sql<{ charged: string; provider: string }>(
      f.url,
      "SELECT charged_micros::text AS charged, provider_cost_micros::text AS provider FROM usage_logs WHERE user_id = $1",
      [c.id],
    );
    expect(usage).toEqual([{ charged: String(cost), provider: String(cost) }]);

    // ledger verify: no mismatch, the receivable listed.
    const verified = await verifyLedger(f.db);
    expect(verified.mismatches).toEqual([]);
    expect(verified.receivables).toContainEqual(expect.objectContaining({ userId: c.id, owedMicros: owed }));
    // Admins see it on the users list.
    const users = await f.asAdmin("/api/admin/users");
    expect(users.json.data.find((u: { id: string }) => u.id === c.id)).toMatchObject({ owed_usd: owed / 1e6 });

    // Paid models are blocked, saying why; free ones still serve.
    const blocked = await chat(c, { model: "long/mock-long" });
    expect(blocked.status).toBe(402);
    expect(blocked.json.error.message).toMatch(/owes \$14\.000003/);
    expect((await chat(c, { model: "free/mock-free" })).status).toBe(200);

    // A purchase or grant pays the debt off first; then paid models serve again.
    await postEntry(f.db, { userId: c.id, type: "GRANT", amountMicros: owed + 500_000, reference: "repay" });
    expect(await getBalance(f.db, c.id)).toMatchObject({ balanceMicros: 500_000 });
    expect((await chat(c, { model: "long/mock-long", max_tokens: 16 })).status).toBe(200);
    expect((await verifyLedger(f.db)).receivables.find((r) => r.userId === c.id)).toBeUndefined();
  });
});

describe("a request no context window can hold", () => {
  it("max_tokens: 1e9 is a 400 context_length_exceeded in OpenAI's shape, not a 503", async () => {
    const c = await newCaller("greedy", 5_000_000);
    f.mock.clearRequests();
    const res = await chat(c, { model: "auto", max_tokens: 1e9 });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      code: "context_length_exceeded",
      type: "invalid_request_error",
      param: "messages",
    });
    expect(res.json.error.message).toContain("1000000000 for the completion");
    expect(f.mock.requests).toHaveLength(0);
  });

  it("an over-long prompt on a pinned model is a 400 naming that model's window", async () => {
    const c = await newCaller("verbose", 5_000_000);
    const words = "lorem ipsum dolor sit amet ".repeat(60_000); // ~300k tokens > 128k
    const res = await chat(c, { model: "prec/mock-prec", messages: [{ role: "user", content: words }] });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "context_length_exceeded" });
    expect(res.json.error.message).toContain("128000 tokens");
  });
});

describe("parameters forwarded under the platform's key", () => {
  it("refuses priced and retention parameters by name, drops unknown ones, and always bounds the output", async () => {
    const c = await newCaller("params", 5_000_000);
    for (const [field, value] of [
      ["service_tier", "priority"],
      ["store", true],
      ["modalities", ["text", "audio"]],
      ["audio", { voice: "alloy", format: "wav" }],
      ["web_search_options", {}],
      ["prediction", { type: "content", content: "x" }],
      ["best_of", 3],
    ] as const) {
      f.mock.clearRequests();
      const res = await chat(c, { model: "long/mock-long", [field]: value });
      expect(res.status, field).toBe(400);
      expect(res.json.error, field).toMatchObject({ param: field, type: "invalid_request_error" });
      expect(res.json.error.message).toContain(field);
      expect(f.mock.requests, field).toHaveLength(0);
    }
    expect((await chat(c, { model: "long/mock-long", n: 2 })).status).toBe(400);

    f.mock.clearRequests();
    const ok = await chat(c, {
      model: "long/mock-long",
      temperature: 0.3,
      seed: 7,
      metadata: { a: "b" },
      mystery: 1,
      messages: [{ role: "user", content: "hi", audio: { id: "audio_abc" } }],
    });
    expect(ok.status, ok.text).toBe(200);
    const sent = f.mock.requests.at(-1)!.body;
    expect(sent).toMatchObject({ temperature: 0.3, seed: 7, max_tokens: 1024 });
    expect(sent).not.toHaveProperty("metadata");
    expect(sent).not.toHaveProperty("mystery");
    expect(sent.messages[0]).toEqual({ role: "user", content: "hi" });
  });

  it("with the caller's own key (BYOK) lets them through", async () => {
    const c = await newCaller("byok-params", 5_000_000);
    const provider = await f.asAdmin("/api/admin/providers", {
      body: {
        slug: "own",
        name: "own",
        kind: "openai-compatible",
        base_url: `${f.mock.url}/v1`,
        priority: 10,
        region: "us",
      },
    });
    expect(provider.status).toBe(201);
    await f.addModel("own", "mock-own", { level: "PRECISION", input: 5, output: 5, quality: 9 });
    expect((await c.call("/api/byok", { body: { provider: "own", api_key: "upstream-secret" } })).status).toBe(201);
    f.mock.clearRequests();
    const res = await chat(c, { model: "own/mock-own", service_tier: "priority", store: true });
    expect(res.status, res.text).toBe(200);
    expect(f.mock.requests.at(-1)!.body).toMatchObject({ service_tier: "priority", store: true });
    // The same parameter on a model only the platform's key serves is refused.
    expect((await chat(c, { model: "long/mock-long", service_tier: "priority" })).status).toBe(400);
  });
});

describe("short credits on an alias", () => {
  it("cap max_tokens at the level asked for when a minimal reply there is affordable", async () => {
    // mock-prec: $100 per 1M output = 100 micro-USD per token; ~30 prompt bytes at $10/M.
    const c = await newCaller("short", 20_000);
    f.mock.clearRequests();
    const res = await chat(c, { model: "precision" });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("x-power-level")).toBe("PRECISION");
    const capped = Number(res.headers.get("x-max-tokens-capped"));
    expect(capped).toBeGreaterThanOrEqual(16);
    expect(capped).toBeLessThan(200);
    expect(f.mock.requests.at(-1)!.body.max_tokens).toBe(capped);
    expect(res.headers.get("x-routing-reason")).toContain(`max_tokens capped to ${capped} by available credits`);
  });

  it("step down only when not even a minimal reply is affordable, and say so in X-Routing-Reason", async () => {
    const c = await newCaller("broke");
    const res = await chat(c, { model: "precision" });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("x-power-level")).toBe("ECO");
    expect(res.headers.get("x-routing-reason")).toContain(
      "served at ECO: your credits don't cover PRECISION (add credits)",
    );
  });
});

describe("POST /api/v1/route", () => {
  it("is rate limited like completions (429 with Retry-After)", async () => {
    const c = await newCaller("router-spam");
    const statuses: number[] = [];
    for (let i = 0; i < 27; i++)
      statuses.push(
        (await c.call("/api/v1/route", { body: { model: "auto", messages: [{ role: "user", content: "hi" }] } }))
          .status,
      );
    expect(statuses.slice(0, 25).every((s) => s === 200)).toBe(true);
    const last = await c.call("/api/v1/route", {
      body: { model: "auto", messages: [{ role: "user", content: "hi" }] },
    });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(last.json.error).toMatchObject({ type: "rate_limit_error" });
  });
});
