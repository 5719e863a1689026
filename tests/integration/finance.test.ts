// Finance's figures on a hand-made dataset equal hand-computed values to the micro-dollar, read
// from the raw rows, from the daily rollups, and from a mix of both; the CSV export parses back to
// the same rows; the ledger's charges reconcile with the usage log and an inconsistency injected
// on either side is pinpointed by its ids. Both databases (the vitest projects).
import { parse } from "csv-parse/sync";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postEntry, settle } from "../../lib/ledger/ledger.ts";
import { handleStripeEvent } from "../../lib/stripe/webhook.ts";
import { usageValues, type UsageRecord } from "../../lib/gateway/usage-log.ts";
import { createUser } from "../../lib/users/users.ts";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { rebuildRollups, rollUp, rollupDrift, rolledUntil } from "../../lib/finance/rollup.ts";
import { verifyCharges } from "../../lib/finance/verify-charges.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";

let f: GatewayFixture;
let finance: (
  path: string,
  init?: { method?: string; body?: unknown },
) => Promise<{ status: number; headers: Headers; json: any; text: string }>;
let a: { id: string; email: string };
let b: { id: string; email: string };

const DAY1 = "2026-10-01";
const DAY2 = "2026-10-02";
const DAY3 = "2026-10-03";

function usage(id: string, userId: string, over: Partial<UsageRecord>): UsageRecord {
  return {
    id,
    userId,
    apiKeyId: null,
    providerId: null,
    modelId: null,
    providerSlug: "p1",
    modelName: "m1",
    powerLevel: "BALANCED",
    taskType: "chat",
    promptTokens: 0,
    completionTokens: 0,
    chargedMicros: 0,
    providerCostMicros: 0,
    precisionCostMicros: null,
    latencyMs: 10,
    ttftMs: 5,
    status: "success",
    errorMessage: null,
    fallbackCount: 0,
    byok: false,
    stream: false,
    attempts: [],
    ...over,
  } as UsageRecord;
}

/** A request charged as the gateway charges it (one statement: charge + usage row), then moved to `at`. */
async function charged(userId: string, id: string, micros: number, at: string, over: Partial<UsageRecord> = {}) {
  const u = usage(id, userId, { chargedMicros: micros, providerCostMicros: over.byok ? 0 : micros, ...over });
  await settle(f.db, userId, id, micros, `request ${id}`, usageValues(u));
  await sql(f.url, `UPDATE usage_logs SET created_at = $2::timestamp WHERE id = $1`, [id, at]);
  await sql(f.url, `UPDATE ledger_entries SET created_at = $2::timestamp WHERE idempotency_key = $1`, [
    `charge:${id}`,
    at,
  ]);
}

/** A request that moved no money (BYOK, an error), moved to `at`. */
async function free(userId: string, id: string, at: string, over: Partial<UsageRecord>) {
  await settle(f.db, userId, id, 0, `request ${id}`, usageValues(usage(id, userId, over)));
  await sql(f.url, `UPDATE usage_logs SET created_at = $2::timestamp WHERE id = $1`, [id, at]);
}

async function stripeEvent(type: string, object: Record<string, unknown>, at: string) {
  const id = `evt_${Math.random().toString(36).slice(2)}`;
  await handleStripeEvent(f.db, { id, type, data: { object } } as unknown as Stripe.Event);
  await sql(f.url, `UPDATE stripe_events SET processed_at = $2::timestamp WHERE id = $1`, [id, at]);
}

beforeAll(async () => {
  f = await startGatewayFixture();
  const fin = await createUser(f.db, { email: "finance@fixture.test", password: "finance-password", role: "FINANCE" });
  finance = f.callAs((await createApiKey(f.db, fin.id, { name: "finance" })).key);
  const ua = await createUser(f.db, { email: "alice@fin.test", password: "alice-password" });
  const ub = await createUser(f.db, { email: "bob@fin.test", password: "bob-password" });
  a = { id: ua.id, email: ua.email };
  b = { id: ub.id, email: ub.email };

  // Day 1: Alice buys $20 through Stripe (the webhook's own code); Bob is granted $5.
  await stripeEvent(
    "checkout.session.completed",
    {
      id: "cs_fin_a1",
      payment_status: "paid",
      amount_total: 2000,
      currency: "usd",
      metadata: { user_id: a.id },
      payment_intent: "pi_fin_a1",
    },
    `${DAY1} 09:00:00`,
  );
  await sql(
    f.url,
    `UPDATE ledger_entries SET created_at = '${DAY1} 09:00:00' WHERE idempotency_key = 'stripe-session:cs_fin_a1'`,
  );
  await postEntry(f.db, { userId: b.id, type: "GRANT", amountMicros: 5_000_000, reference: "welcome" });
  await sql(f.url, `UPDATE ledger_entries SET created_at = '${DAY1} 10:00:00' WHERE reference = 'welcome'`);

  // Day 2: Alice: r1 on p1/m1 (BALANCED) $1.234567 = input $1 + output $0.234567; r2 on p2/m2 (ECO) 10 micro-USD.
  // Bob: r3 with his own key (BYOK, free) and r4 an error before any model answered.
  await charged(a.id, "fin-r1", 1_234_567, `${DAY2} 08:00:00`, {
    promptTokens: 1000,
    completionTokens: 500,
    precisionCostMicros: 5_000_000,
  });
  await sql(
    f.url,
    `UPDATE usage_logs SET input_cost_micros = 1000000, output_cost_micros = 234567 WHERE id = 'fin-r1'`,
  );
  await charged(a.id, "fin-r2", 10, `${DAY2} 09:00:00`, {
    providerSlug: "p2",
    modelName: "m2",
    powerLevel: "ECO",
    promptTokens: 10,
    completionTokens: 5,
  });
  await sql(f.url, `UPDATE usage_logs SET input_cost_micros = 4, output_cost_micros = 6 WHERE id = 'fin-r2'`);
  await free(b.id, "fin-r3", `${DAY2} 10:00:00`, { byok: true, promptTokens: 100, completionTokens: 100 });
  await free(b.id, "fin-r4", `${DAY2} 11:00:00`, {
    status: "error",
    errorMessage: "upstream 500",
    providerSlug: null,
    modelName: null,
    powerLevel: null,
  });

  // Day 3: Stripe refunds $2 of Alice's purchase; Bob's r5 on p1/m1 at PRECISION costs $6 with $5 in his
  // account: the whole cost is charged and $1 is owed (a shortfall).
  await stripeEvent(
    "charge.refunded",
    { id: "ch_fin_a1", amount_refunded: 200, payment_intent: "pi_fin_a1", metadata: { user_id: a.id } },
    `${DAY3} 07:00:00`,
  );
  await sql(f.url, `UPDATE ledger_entries SET created_at = '${DAY3} 07:00:00' WHERE type = 'REFUND'`);
  await charged(b.id, "fin-r5", 6_000_000, `${DAY3} 12:00:00`, {
    powerLevel: "PRECISION",
    promptTokens: 2000,
    completionTokens: 3000,
  });
  await sql(
    f.url,
    `UPDATE usage_logs SET input_cost_micros = 2000000, output_cost_micros = 4000000 WHERE id = 'fin-r5'`,
  );
}, 120_000);
afterAll(async () => {
  await f?.close();
});

const RANGE = `from=${DAY1}&to=${DAY3}`;

// Worked out by hand from the dataset above.
const EXPECTED_TOTALS = {
  revenue_micros: 20_000_000,
  refunds_micros: 2_000_000,
  grants_micros: 5_000_000,
  corrections_micros: 0,
  charged_micros: 7_234_577, // 1,234,567 + 10 + 6,000,000
  provider_cost_micros: 7_234_577, // BYOK r3 costs the platform nothing
  provider_cost_by_class: {
    input_micros: 3_000_004,
    cache_read_micros: 0,
    cache_write_micros: 0,
    output_micros: 4_234_573,
  },
  gross_margin_micros: 0,
  gross_margin_percent: 0,
  byok_fees_micros: 0,
  shortfall_micros: 1_000_000,
  precision_cost_micros: 11_000_010, // r1 says PRECISION would have cost $5; the others cost what they cost
  savings_micros: 3_765_433,
  requests: 5,
  errors: 1,
  byok_requests: 1,
};

async function summary(query = RANGE) {
  const res = await finance(`/api/finance/summary?${query}`);
  expect(res.status, res.text).toBe(200);
  return res.json;
}

function checkSummary(s: any) {
  expect(s).toMatchObject({
    from: `${DAY1}T00:00:00.000Z`,
    to: "2026-10-04T00:00:00.000Z",
    timezone: "UTC",
    totals: EXPECTED_TOTALS,
  });
  // Alice: 20 - 1.234577 - 2 = 16.765423 left; Bob: 5 - 6 = -1, owed.
  expect(s.totals.liability).toEqual({
    at: "2026-10-04T00:00:00.000Z",
    unspent_micros: 16_765_423,
    owed_micros: 1_000_000,
    holds_in_flight_micros: 0,
  });
  expect(s.by_day).toEqual([
    {
      day: DAY1,
      revenue_micros: 20_000_000,
      refunds_micros: 0,
      charged_micros: 0,
      provider_cost_micros: 0,
      margin_micros: 0,
      requests: 0,
    },
    {
      day: DAY2,
      revenue_micros: 0,
      refunds_micros: 0,
      charged_micros: 1_234_577,
      provider_cost_micros: 1_234_577,
      margin_micros: 0,
      requests: 4,
    },
    {
      day: DAY3,
      revenue_micros: 0,
      refunds_micros: 2_000_000,
      charged_micros: 6_000_000,
      provider_cost_micros: 6_000_000,
      margin_micros: 0,
      requests: 1,
    },
  ]);
  expect(
    s.by_provider.map((p: any) => [p.key, p.requests, p.errors, p.charged_micros, p.provider_cost_micros]),
  ).toEqual([
    ["p1", 3, 0, 7_234_567, 7_234_567],
    ["p2", 1, 0, 10, 10],
    ["none", 1, 1, 0, 0],
  ]);
  expect(s.by_model.map((p: any) => [p.key, p.charged_micros])).toEqual([
    ["m1", 7_234_567],
    ["m2", 10],
    ["none", 0],
  ]);
  expect(s.by_power_level.map((p: any) => [p.key, p.requests, p.charged_micros])).toEqual([
    ["PRECISION", 1, 6_000_000],
    ["BALANCED", 2, 1_234_567],
    ["ECO", 1, 10],
    ["none", 1, 0],
  ]);
  expect(s.top_users.map((u: any) => [u.email, u.requests, u.charged_micros])).toEqual([
    ["bob@fin.test", 3, 6_000_000],
    ["alice@fin.test", 2, 1_234_577],
  ]);
}

describe("finance summary", () => {
  it("equals the hand-computed figures from raw rows, from the rollups, and from both mixed", async () => {
    await sql(f.url, `DELETE FROM rollup_state`);
    checkSummary(await summary());

    await rebuildRollups(f.db);
    expect((await rolledUntil(f.db))!.getTime()).toBeGreaterThan(Date.parse("2026-10-04"));
    const [rolled] = await sql<{ n: string }>(
      f.url,
      `SELECT count(*)::text AS n FROM usage_daily WHERE day BETWEEN '${DAY1}' AND '${DAY3}'`,
    );
    expect(Number(rolled?.n)).toBeGreaterThan(0); // the figures below come from the rollups
    checkSummary(await summary());

    // Partial days at both ends around a rolled whole day: 06:00 on day 1 (raw: the purchase and
    // grant) through day 2 (rollups: r1..r4) to 10:00 on day 3 (raw: the refund at 07:00, not r5 at 12:00).
    const mixed = await summary(`from=${DAY1}T06:00:00Z&to=${DAY3}T10:00:00Z`);
    expect(mixed.totals).toMatchObject({
      charged_micros: 1_234_577,
      requests: 4,
      refunds_micros: 2_000_000,
      revenue_micros: 20_000_000,
      grants_micros: 5_000_000,
    });
    expect(await rollupDrift(f.db)).toEqual([]);
  });

  it("rolls whole days once they are over, never today, and a second roll adds nothing", async () => {
    await sql(f.url, `DELETE FROM rollup_state`);
    // A week per transaction (the embedded database serves one at a time); the next calls go on.
    const steps: number[] = [];
    let last = await rollUp(f.db);
    for (; last.days > 0; last = await rollUp(f.db)) steps.push(last.days);
    expect(steps.length).toBeGreaterThan(1);
    expect(Math.max(...steps)).toBeLessThanOrEqual(7);
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    // Today is not over; in the first two minutes after midnight yesterday is not safe yet either.
    expect([today, today - 86_400_000]).toContain(last.rolledUntil!.getTime());
    expect(await rollUp(f.db)).toEqual({ rolledUntil: last.rolledUntil, days: 0 });
    const [todayRows] = await sql<{ n: string }>(
      f.url,
      `SELECT count(*)::text AS n FROM usage_daily WHERE day >= $1::date`,
      [new Date(today).toISOString()],
    );
    expect(todayRows!.n).toBe("0");
    expect(await rollupDrift(f.db)).toEqual([]);
  });

  it("savings never go negative and margin percent is null with nothing charged", async () => {
    const empty = await summary("from=2026-09-01&to=2026-09-02");
    expect(empty.totals).toMatchObject({
      charged_micros: 0,
      gross_margin_percent: null,
      savings_micros: 0,
      requests: 0,
    });
    expect(empty.by_day).toHaveLength(2);
  });

  it("drills into a provider's day, paginated on the server", async () => {
    const first = await finance(`/api/finance/requests?${RANGE}&provider=p1&day=${DAY2}&limit=1`);
    expect(first.status, first.text).toBe(200);
    expect(first.json.data.map((r: any) => r.id)).toEqual(["fin-r3"]);
    expect(first.json.next_cursor).toBeTruthy();
    const second = await finance(
      `/api/finance/requests?${RANGE}&provider=p1&day=${DAY2}&limit=1&cursor=${first.json.next_cursor}`,
    );
    expect(second.json.data.map((r: any) => [r.id, r.charged_micros, r.email])).toEqual([
      ["fin-r1", 1_234_567, "alice@fin.test"],
    ]);
    expect(second.json.next_cursor).toBeNull();
    const bob = await finance(`/api/finance/requests?${RANGE}&user_id=${b.id}`);
    expect(bob.json.data.map((r: any) => r.id)).toEqual(["fin-r5", "fin-r4", "fin-r3"]);
    const none = await finance(`/api/finance/requests?${RANGE}&provider=none`);
    expect(none.json.data.map((r: any) => r.id)).toEqual(["fin-r4"]);
    expect((await finance(`/api/finance/requests?${RANGE}&cursor=bm90LWEtY3Vyc29y`)).status).toBe(400);
  });
});

describe("a user's own usage page at scale", () => {
  it("reads the per-user rollup for rolled days and gives the same figures as the raw rows", async () => {
    const alice = f.callAs((await createApiKey(f.db, a.id, { name: "alice" })).key);
    const report = async () => {
      const res = await alice(`/api/usage?${RANGE}&group_by=provider`);
      expect(res.status, res.text).toBe(200);
      return res.json;
    };
    await sql(f.url, `DELETE FROM rollup_state`);
    const raw = await report();
    await rebuildRollups(f.db);
    const rolled = await report();
    for (const r of [raw, rolled]) {
      expect(r.totals).toMatchObject({
        requests: 2,
        errors: 0,
        prompt_tokens: 1010,
        completion_tokens: 505,
        spend_micros: 1_234_577,
        precision_cost_usd: 5.00001,
      });
      expect(r.series.map((s: any) => [s.key, s.requests, s.spend_micros])).toEqual([
        ["p1", 1, 1_234_567],
        ["p2", 1, 10],
      ]);
    }
    const byDay = (await alice(`/api/usage?${RANGE}&group_by=day`)).json;
    expect(byDay.series.map((s: any) => [s.key, s.spend_micros])).toEqual([[DAY2, 1_234_577]]);
  });
});

describe("finance export", () => {
  it("streams CSV that parses back to the same rows", async () => {
    const res = await finance(`/api/finance/export.csv?kind=usage&${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toContain(`switchyard-usage-${DAY1}-${DAY3}.csv`);
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    const db = await sql<Record<string, unknown>>(
      f.url,
      `SELECT id, user_id, charged_micros::text AS charged, provider_cost_micros::text AS cost, prompt_tokens, status FROM usage_logs WHERE created_at >= '${DAY1}' AND created_at < '2026-10-04' ORDER BY created_at, id`,
    );
    expect(
      rows.map((r) => [r.id, r.user_id, r.charged_micros, r.provider_cost_micros, Number(r.prompt_tokens), r.status]),
    ).toEqual(db.map((r) => [r.id, r.user_id, r.charged, r.cost, r.prompt_tokens, r.status]));
    expect(rows.find((r) => r.id === "fin-r1")).toMatchObject({
      charged_usd: "1.234567",
      email: "alice@fin.test",
      input_cost_micros: "1000000",
      byok: "false",
      created_at: `${DAY2}T08:00:00.000Z`,
    });
    expect(rows.find((r) => r.id === "fin-r3")).toMatchObject({ byok: "true", charged_micros: "0" });

    const ledger = parse((await finance(`/api/finance/export.csv?kind=ledger&${RANGE}`)).text, {
      columns: true,
    }) as Record<string, string>[];
    expect(ledger.map((r) => [r.type, r.amount_micros])).toEqual([
      ["PURCHASE", "20000000"],
      ["GRANT", "5000000"],
      ["CHARGE", "-1234567"],
      ["CHARGE", "-10"],
      ["REFUND", "-2000000"],
      ["CHARGE", "-6000000"],
    ]);
    expect(ledger.at(-1)).toMatchObject({ shortfall_micros: "1000000", balance_after_micros: "-1000000" });
    const purchases = parse((await finance(`/api/finance/export.csv?kind=purchases&${RANGE}`)).text, {
      columns: true,
    }) as Record<string, string>[];
    expect(purchases.map((r) => [r.type, r.amount_usd, r.stripe_object_id])).toEqual([
      ["PURCHASE", "20", "cs_fin_a1"],
      ["REFUND", "-2", "ch_fin_a1"],
    ]);
  });

  it("refuses an unknown kind and a backwards range with a 400", async () => {
    expect((await finance(`/api/finance/export.csv?kind=secrets&${RANGE}`)).status).toBe(400);
    expect((await finance(`/api/finance/export.csv?kind=usage&from=${DAY3}&to=${DAY1}`)).status).toBe(400);
  });
});

describe("finance access", () => {
  it("USER gets 403 on every finance route; FINANCE reads but may not repair", async () => {
    for (const path of [
      "/api/finance/summary",
      "/api/finance/requests",
      "/api/finance/export.csv?kind=usage",
      "/api/finance/reconciliation",
    ]) {
      expect((await f.asUser(path)).status, path).toBe(403);
    }
    expect((await f.asUser("/api/finance/reconciliation/repair", { body: { session_id: "cs_x" } })).status).toBe(403);
    expect((await finance("/api/finance/reconciliation/repair", { body: { session_id: "cs_x" } })).status).toBe(403);
    expect((await finance("/api/admin/users")).status).toBe(403);
    expect((await f.asAdmin(`/api/finance/summary?${RANGE}`)).status).toBe(200);
  });
});

describe("reconciliation without Stripe", () => {
  it("is zero on consistent books, and pinpoints a changed charge on either side by its ids", async () => {
    const clean = await finance(`/api/finance/reconciliation?${RANGE}`);
    expect(clean.status, clean.text).toBe(200);
    expect(clean.json.stripe).toBe("not_configured");
    expect(clean.json.comparisons.map((c: any) => [c.name, c.difference_micros, c.rows.length])).toEqual([
      ["ledger_charges_vs_usage", 0, 0],
      ["purchases_ledger_vs_events", 0, 0],
      ["refunds_ledger_vs_events", 0, 0],
    ]);
    expect(clean.json.comparisons[0]).toMatchObject({
      left: { total_micros: 7_234_577 },
      right: { total_micros: 7_234_577 },
    });
    expect((await verifyCharges(f.db)).total).toBe(0);

    // Usage side: a row of a rolled day says 11 micro-USD where the ledger charged 10. The rolled
    // day's totals differ, so that day is compared row by row.
    await sql(f.url, `UPDATE usage_logs SET charged_micros = 11 WHERE id = 'fin-r2'`);
    // Ledger side: a charge of day 3 changed after the fact.
    await sql(f.url, `UPDATE ledger_entries SET amount_micros = -5999999 WHERE idempotency_key = 'charge:fin-r5'`);
    await rebuildRollups(f.db);
    const dirty = (await finance(`/api/finance/reconciliation?${RANGE}`)).json;
    const charges = dirty.comparisons.find((c: any) => c.name === "ledger_charges_vs_usage");
    expect(charges.difference_micros).toBe(-2); // ledger 7,234,576 vs usage 7,234,578
    const entryOf = async (key: string) =>
      (await sql<{ id: string }>(f.url, `SELECT id::text FROM ledger_entries WHERE idempotency_key = $1`, [key]))[0]!
        .id;
    expect(charges.rows).toEqual([
      {
        id: "fin-r2",
        left_id: await entryOf("charge:fin-r2"),
        right_id: "fin-r2",
        left_micros: 10,
        right_micros: 11,
        difference_micros: -1,
        problem: expect.stringContaining("usage row fin-r2 says $0.000011"),
      },
      {
        id: "fin-r5",
        left_id: await entryOf("charge:fin-r5"),
        right_id: "fin-r5",
        left_micros: 5_999_999,
        right_micros: 6_000_000,
        difference_micros: -1,
        problem: expect.stringContaining("ledger charged $5.999999"),
      },
    ]);
    expect((await verifyCharges(f.db)).mismatches.map((m) => m.requestId)).toEqual(["fin-r2", "fin-r5"]);

    // Purchases: a credit with no Stripe event behind it.
    await postEntry(f.db, {
      userId: a.id,
      type: "PURCHASE",
      amountMicros: 1_000_000,
      reference: "hand-made",
      idempotencyKey: "stripe-session:cs_fin_ghost",
    });
    await sql(
      f.url,
      `UPDATE ledger_entries SET created_at = '${DAY2} 12:00:00' WHERE idempotency_key = 'stripe-session:cs_fin_ghost'`,
    );
    const ghost = (await finance(`/api/finance/reconciliation?${RANGE}`)).json.comparisons.find(
      (c: any) => c.name === "purchases_ledger_vs_events",
    );
    expect(ghost).toMatchObject({
      left: { total_micros: 21_000_000 },
      right: { total_micros: 20_000_000 },
      difference_micros: 1_000_000,
    });
    expect(ghost.rows).toEqual([
      expect.objectContaining({
        id: "cs_fin_ghost",
        right_id: null,
        left_micros: 1_000_000,
        right_micros: null,
        problem: expect.stringContaining("without any processed Stripe event"),
      }),
    ]);
    // Put the books back for the other tests.
    await sql(f.url, `UPDATE usage_logs SET charged_micros = 10 WHERE id = 'fin-r2'`);
    await sql(f.url, `UPDATE ledger_entries SET amount_micros = -6000000 WHERE idempotency_key = 'charge:fin-r5'`);
    await rebuildRollups(f.db);
  });
});
