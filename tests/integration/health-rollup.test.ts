// Health samples rolled up per provider and minute (lib/health/rollup.ts) on both databases:
// counts and histograms per minute, a late sample folded into its minute on the next run (never
// counted twice), the watermark readers split on, and pruning of raw samples after 2 h and
// rollups after 7 days.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthWatermark, rollUpHealth } from "../../lib/health/rollup.ts";
import { bucketOf, BUCKETS, quantile } from "../../lib/health/histogram.ts";
import { vacuumEmbedded } from "../../lib/ops/vacuum.ts";
import { createTestDatabase, dbKind, sql, type TestDatabase } from "../setup/test-db.ts";

let database: TestDatabase;
let p1: string;
let p2: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const providers = await database.db.provider.findMany({ select: { id: true }, take: 2, orderBy: { slug: "asc" } });
  p1 = providers[0]!.id;
  p2 = providers[1]!.id;
});
afterAll(() => database?.drop());

// A fixed "now" 30 s into a minute, so which minutes are complete is known.
const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 30_000);
const minute = (back: number) => new Date(NOW.getTime() - 30_000 - back * 60_000);
const at = (back: number, secs: number) => new Date(minute(back).getTime() + secs * 1000);

async function sample(provider: string, when: Date, ok: boolean, latency: number | null, ttft: number | null) {
  await sql(
    database.url,
    "INSERT INTO provider_health_samples (provider_id, ok, latency_ms, ttft_ms, created_at) VALUES ($1, $2, $3, $4, $5::timestamptz::timestamp)",
    [provider, ok, latency, ttft, when.toISOString()],
  );
}
const rows = () =>
  sql<{ provider_id: string; minute: Date; requests: number; ok: number; latency_hist: number[]; ttft_hist: number[] }>(
    database.url,
    "SELECT provider_id, minute, requests, ok, latency_hist, ttft_hist FROM provider_health_minutes ORDER BY provider_id, minute",
  );
const hist = (...values: number[]) => {
  const h = new Array<number>(BUCKETS).fill(0);
  for (const v of values) h[bucketOf(v)]!++;
  return h;
};

describe("rollUpHealth", () => {
  it("rolls complete minutes into counts and histograms of successful requests; the current minute stays raw", async () => {
    await sample(p1, at(3, 5), true, 40, 20);
    await sample(p1, at(3, 50), false, null, null);
    await sample(p1, at(2, 10), true, 1_200, 300);
    await sample(p2, at(2, 59), true, 8_000, 7_000);
    await sample(p1, at(0, 10), true, 10, 5); // the minute under way: not rolled
    const r = await rollUpHealth(database.db, NOW);
    expect(r.through.toISOString()).toBe(minute(0).toISOString());
    expect(await healthWatermark(database.db)).toEqual(minute(0));
    const got = (await rows()).map((x) => ({ ...x, minute: new Date(x.minute).toISOString() }));
    expect(got).toEqual(
      [
        {
          provider_id: p1,
          minute: minute(3).toISOString(),
          requests: 2,
          ok: 1,
          latency_hist: hist(40),
          ttft_hist: hist(20),
        },
        {
          provider_id: p1,
          minute: minute(2).toISOString(),
          requests: 1,
          ok: 1,
          latency_hist: hist(1_200),
          ttft_hist: hist(300),
        },
        {
          provider_id: p2,
          minute: minute(2).toISOString(),
          requests: 1,
          ok: 1,
          latency_hist: hist(8_000),
          ttft_hist: hist(7_000),
        },
      ].sort((a, b) => (a.provider_id + a.minute).localeCompare(b.provider_id + b.minute)),
    );
  });

  it("a sample that arrives late joins its minute on the next run, replacing the row rather than adding one", async () => {
    await sample(p1, at(3, 30), true, 90, 60);
    await rollUpHealth(database.db, NOW);
    const m3 = (await rows()).filter(
      (x) => x.provider_id === p1 && new Date(x.minute).getTime() === minute(3).getTime(),
    );
    expect(m3).toHaveLength(1);
    expect(m3[0]).toMatchObject({ requests: 3, ok: 2, latency_hist: hist(40, 90) });
    // The histogram's median sits inside the right bucket (50–100 ms for 40 and 90).
    expect(quantile(m3[0]!.latency_hist, 0.75)).toBeGreaterThan(50);
    expect(quantile(m3[0]!.latency_hist, 0.75)).toBeLessThanOrEqual(100);
  });

  it("prunes raw samples older than 2 h and rollups older than 7 days, in batches, keeping the rest", async () => {
    const old = new Date(NOW.getTime() - 3 * 3_600_000);
    await sample(p1, old, true, 10, 5);
    await sql(
      database.url,
      "INSERT INTO provider_health_minutes (provider_id, minute, requests, ok, latency_hist, ttft_hist) VALUES ($1, $2::timestamptz::timestamp, 1, 1, '{}', '{}'), ($1, $3::timestamptz::timestamp, 1, 1, '{}', '{}')",
      [
        p2,
        new Date(NOW.getTime() - 8 * 86_400_000).toISOString(),
        new Date(NOW.getTime() - 6 * 86_400_000).toISOString(),
      ],
    );
    const r = await rollUpHealth(database.db, NOW);
    expect(r.prunedSamples).toBe(1);
    expect(r.prunedMinutes).toBe(1);
    const [{ n }] = (await sql<{ n: string }>(
      database.url,
      "SELECT count(*)::text AS n FROM provider_health_samples",
    )) as [{ n: string }];
    expect(Number(n)).toBe(6); // the five of the first test and the late one
    const kept = await sql<{ minute: Date }>(
      database.url,
      "SELECT minute FROM provider_health_minutes WHERE provider_id = $1 AND minute < $2::timestamptz::timestamp",
      [p2, new Date(NOW.getTime() - 86_400_000).toISOString()],
    );
    expect(kept.map((k) => new Date(k.minute).getTime())).toEqual([NOW.getTime() - 6 * 86_400_000]);
    // The embedded database has no autovacuum: the maintenance job vacuums what it prunes.
    expect((await vacuumEmbedded(database.db)).vacuumed).toEqual(
      dbKind() === "pglite" ? ["provider_health_samples", "provider_health_minutes", "usage_logs"] : [],
    );
  });
});
