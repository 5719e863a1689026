// Usage retention (lib/usage/retention.ts): usage rows older than the retention period go, in
// batches, but only of days the finance rollups already hold; every finance figure, each user's
// usage and `ledger verify` stay as they were, and a real mismatch is still reported.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { settle, utcMonthStart, verifyLedger } from "../../lib/ledger/ledger.ts";
import { usageValues, type UsageRecord } from "../../lib/gateway/usage-log.ts";
import { rebuildRollups, rollUp, rollupDrift, rolledUntil, usagePrunedUntil } from "../../lib/finance/rollup.ts";
import { verifyCharges } from "../../lib/finance/verify-charges.ts";
import { createUser } from "../../lib/users/users.ts";
import { pruneExpiredUsage } from "../../lib/usage/retention.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { writeUsage } from "../helpers/usage-row.ts";
import { sql } from "../setup/test-db.ts";

const DAY = 86_400_000;
const now = new Date();
const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
/** An instant `days` whole days before today's midnight (UTC), plus `ms`. */
const daysAgo = (days: number, ms = 10 * 3_600_000) => new Date(today - days * DAY + ms).toISOString();
const ymd = (t: number) => new Date(t).toISOString().slice(0, 10);

let f: GatewayFixture;
const run = randomUUID().slice(0, 6);
const ids: Record<string, string> = {};
const users: Record<"alice" | "bob", { id: string; call: GatewayFixture["asAdmin"] }> = {} as never;

function usage(id: string, userId: string, over: Partial<UsageRecord>): UsageRecord {
  return {
    id,
    userId,
    apiKeyId: null,
    providerId: null,
    modelId: null,
    providerSlug: "ret",
    modelName: "ret/m1",
    powerLevel: "BALANCED",
    taskType: "chat",
    promptTokens: 50,
    completionTokens: 25,
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
  };
}

/** A request at `at`: charged as the gateway charges it (charge and usage row together), or free. */
async function request(
  name: string,
  who: "alice" | "bob",
  at: string,
  micros: number,
  over: Partial<UsageRecord> = {},
) {
  const id = `ret-${run}-${name}`;
  ids[name] = id;
  const u = usage(id, users[who].id, { chargedMicros: micros, providerCostMicros: Math.floor(micros / 2), ...over });
  if (micros) {
    await settle(f.db, u.userId, id, micros, `request ${id}`, usageValues(u));
    await sql(
      f.url,
      "UPDATE ledger_entries SET created_at = $2::timestamptz AT TIME ZONE 'UTC' WHERE idempotency_key = $1",
      [`charge:${id}`, at],
    );
    await sql(f.url, "UPDATE usage_logs SET created_at = $2::timestamptz AT TIME ZONE 'UTC' WHERE id = $1", [id, at]);
  } else {
    await writeUsage(f.db, { ...u, createdAt: new Date(at) });
  }
}

const remaining = async () =>
  (await sql<{ id: string }>(f.url, "SELECT id FROM usage_logs WHERE id LIKE $1 ORDER BY id", [`ret-${run}-%`])).map(
    (r) => r.id,
  );
const named = (...names: string[]) => names.map((n) => ids[n]!).sort();

/** What finance and the users see of the old days and the recent ones (each range at most 366 days). */
async function figures() {
  const old = `from=${ymd(today - 520 * DAY)}&to=${ymd(today - 160 * DAY)}`;
  const recent = `from=${ymd(today - 300 * DAY)}&to=${ymd(today)}`;
  const get = async (call: GatewayFixture["asAdmin"], path: string) => {
    const res = await call(path);
    expect(res.status, `${path}: ${res.text}`).toBe(200);
    return res.json;
  };
  const reconciliation = await get(f.asAdmin, `/api/finance/reconciliation?${old}`);
  const summaryRecent = await get(f.asAdmin, `/api/finance/summary?${recent}`);
  // A range that ends today states its liability as of now.
  delete summaryRecent.totals.liability.at;
  return {
    summaryOld: await get(f.asAdmin, `/api/finance/summary?${old}`),
    summaryRecent,
    aliceOld: await get(users.alice.call, `/api/usage?${old}&group_by=day`),
    bobOldByModel: await get(users.bob.call, `/api/usage?${old}&group_by=model`),
    chargesVsUsage: reconciliation.comparisons.find((c: { name: string }) => c.name === "ledger_charges_vs_usage"),
  };
}

async function verifyClean() {
  expect((await verifyLedger(f.db)).mismatches).toEqual([]);
  expect((await verifyCharges(f.db)).mismatches).toEqual([]);
  expect(await rollupDrift(f.db)).toEqual([]);
}

beforeAll(async () => {
  f = await startGatewayFixture();
  for (const who of ["alice", "bob"] as const) {
    const u = await createUser(f.db, { email: `${who}@${run}.retention.test`, password: "retention-password" });
    await f.grant(u.id, 100);
    users[who] = { id: u.id, call: f.callAs((await createApiKey(f.db, u.id, { name: "retention" })).key) };
  }
  await request("d500-a", "alice", daysAgo(500), 1_000);
  await request("d500-b", "bob", daysAgo(500, 11 * 3_600_000), 0, {
    status: "error",
    errorMessage: "upstream 500",
    providerSlug: null,
    modelName: null,
    powerLevel: null,
  });
  await request("d470", "alice", daysAgo(470), 2_000, { modelName: "ret/m2", powerLevel: "PRECISION" });
  await request("d450-a", "bob", daysAgo(450), 3_000);
  await request("d450-b", "bob", daysAgo(450, 12 * 3_600_000), 0, { byok: true });
  await request("d420", "alice", daysAgo(420), 0, { status: "cancelled" });
  // The edge: the retention cutoff (400 days) falls at midnight starting day -400.
  await request("d401-last", "alice", daysAgo(401, DAY - 1), 4_000);
  await request("d400-first", "bob", daysAgo(400, 0), 5_000);
  await request("d10", "alice", daysAgo(10), 6_000);
  await request("month-start", "bob", new Date(utcMonthStart(now).getTime() + 1).toISOString(), 7_000);
}, 120_000);
afterAll(() => f?.close());

describe("pruning expired usage", () => {
  it("prunes nothing before the rollups have rolled anything", async () => {
    expect(await rolledUntil(f.db)).toBeNull();
    expect(await pruneExpiredUsage(f.db, { retentionDays: 400 })).toEqual({ deleted: 0, cutoff: null });
    expect(await remaining()).toHaveLength(10);
  });

  it("prunes only the days already rolled, even when more are past retention", async () => {
    // A week at a time: only days -500..-494 are in the rollups after one roll.
    const first = await rollUp(f.db, { maxDays: 7 });
    expect(first.rolledUntil!.getTime()).toBe(today - 493 * DAY);
    const r = await pruneExpiredUsage(f.db, { retentionDays: 400 });
    expect(r).toEqual({ deleted: 2, cutoff: new Date(today - 493 * DAY) });
    expect(await remaining()).toEqual(
      named("d470", "d450-a", "d450-b", "d420", "d401-last", "d400-first", "d10", "month-start"),
    );
    expect(await usagePrunedUntil(f.db)).toEqual(new Date(today - 493 * DAY));
    await verifyClean();
  });

  it("then prunes every rolled day past retention in batches, and every figure stays exact", async () => {
    for (let r = await rollUp(f.db, { maxDays: 366 }); r.days > 0; r = await rollUp(f.db, { maxDays: 366 }));
    const before = await figures();
    expect(before.summaryOld.totals.requests).toBe(8);
    expect(before.summaryOld.totals.charged_micros).toBe(15_000);

    const r = await pruneExpiredUsage(f.db, { retentionDays: 400, batchSize: 2 });
    expect(r).toEqual({ deleted: 5, cutoff: new Date(today - 400 * DAY) });
    expect(await remaining()).toEqual(named("d400-first", "d10", "month-start"));
    expect(await figures()).toEqual(before);
    expect(before.chargesVsUsage.difference_micros).toBe(0);
    await verifyClean();

    // A second run has nothing left to do.
    expect(await pruneExpiredUsage(f.db, { retentionDays: 400 })).toEqual({
      deleted: 0,
      cutoff: new Date(today - 400 * DAY),
    });
    // Rebuilding the rollups keeps the pruned days' usage totals: nothing could roll them again.
    await rebuildRollups(f.db);
    expect(await figures()).toEqual(before);
    await verifyClean();
  });

  it("refuses a retention or batch that is not a positive whole number", async () => {
    for (const opts of [
      { retentionDays: 0 },
      { retentionDays: -5 },
      { retentionDays: 1.5 },
      { retentionDays: 30, batchSize: 0 },
    ]) {
      await expect(pruneExpiredUsage(f.db, opts), JSON.stringify(opts)).rejects.toThrow(RangeError);
    }
  });
});

describe("ledger verify after pruning", () => {
  it("still reports a kept row that disagrees with its charge, or a charge whose kept row is gone", async () => {
    const kept = ids["d10"]!;
    await sql(f.url, "UPDATE usage_logs SET charged_micros = charged_micros + 1 WHERE id = $1", [kept]);
    expect((await verifyCharges(f.db)).mismatches).toEqual([
      { requestId: kept, problem: "ledger charged 6000 micro-USD, usage row says 6001" },
    ]);
    await sql(f.url, "UPDATE usage_logs SET charged_micros = charged_micros - 1 WHERE id = $1", [kept]);

    // The row of a day after the horizon missing: the charge is reported, not taken for pruned.
    await sql(f.url, "UPDATE usage_logs SET id = id || '-moved' WHERE id = $1", [kept]);
    const moved = await verifyCharges(f.db);
    expect(moved.mismatches.map((m) => m.requestId)).toEqual([kept, `${kept}-moved`]);
    expect(moved.mismatches[0]!.problem).toBe("ledger charged 6000 micro-USD but there is no charged usage row");
    await sql(f.url, "UPDATE usage_logs SET id = $1 WHERE id = $2", [kept, `${kept}-moved`]);
    await verifyClean();
  });

  it("checks a pruned day by its totals: a usage rollup that disagrees with the day's charges is reported", async () => {
    const day = ymd(today - 470 * DAY);
    await sql(f.url, "UPDATE usage_daily SET charged_micros = charged_micros + 5 WHERE day = $1::date", [day]);
    expect(await rollupDrift(f.db)).toEqual([
      `${day}: usage charged micros rolled 2005 but the ledger's charges that day say 2000 (its usage rows were pruned)`,
    ]);
    await sql(f.url, "UPDATE usage_daily SET charged_micros = charged_micros - 5 WHERE day = $1::date", [day]);
    await verifyClean();
  });
});

describe("the current month", () => {
  // Gateway keys' monthly spend is checked against this month's usage rows.
  it("is never pruned, whatever the retention", async () => {
    await pruneExpiredUsage(f.db, { retentionDays: 1 });
    expect(await remaining()).toContain(ids["month-start"]);
    const [oldest] = await sql<{ at: Date | null }>(f.url, "SELECT min(created_at) AS at FROM usage_logs");
    expect(oldest!.at!.getTime()).toBeGreaterThanOrEqual(Math.min(utcMonthStart(now).getTime(), today - DAY));
    await verifyClean();
  });
});
