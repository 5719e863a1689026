/**
 * Health samples → per-provider, per-minute rollups, and the pruning of both: raw samples are
 * kept RAW_KEEP_MS (enough for the trailing re-roll and the 15-minute card figures), rollups
 * ROLLUP_KEEP_MS (7 days). Run by one process of the cluster (lib/ops/maintenance.ts).
 *
 * Each run re-rolls the trailing LOOKBACK minutes from the raw samples (replacing those rows), so
 * a sample flushed late by a slow process still lands in its minute on the next run. Readers
 * take rollups for minutes before the recorded watermark and raw samples from it on
 * (`healthWatermark`), so no sample is counted twice or missed.
 */
import type { Db } from "../db/client.ts";
import { sqlRows } from "../db/sql.ts";
import { histogramSql } from "./histogram.ts";

export const RAW_KEEP_MS = 2 * 3_600_000;
export const ROLLUP_KEEP_MS = 7 * 86_400_000;
const LOOKBACK_MS = 70 * 60_000;
// Samples reach the database up to a recorder flush (2 s) after they happen: a minute is rolled
// once it ended this long ago.
const SETTLE_MS = 5_000;
const PRUNE_BATCH = 5_000;
export const WATERMARK_KEY = "health_rollup";

const iso = (d: Date) => d.toISOString();

export function minuteFloor(ms: number): Date {
  return new Date(Math.floor(ms / 60_000) * 60_000);
}

/** Where rollups end and raw samples take over (the exclusive end of the last rolled minute); epoch 0 before the first run. */
export async function healthWatermark(db: Db): Promise<Date> {
  const row = await db.systemSetting.findUnique({ where: { key: WATERMARK_KEY } });
  const through = (row?.value as { through?: string } | null)?.through;
  return through ? new Date(through) : new Date(0);
}

export type RollupResult = { through: Date; minutes: number; prunedSamples: number; prunedMinutes: number };

export async function rollUpHealth(db: Db, now: Date = new Date()): Promise<RollupResult> {
  const through = minuteFloor(now.getTime() - SETTLE_MS);
  const from = minuteFloor(through.getTime() - LOOKBACK_MS);
  const latency = histogramSql("CASE WHEN ok THEN latency_ms END");
  const ttft = histogramSql("CASE WHEN ok THEN ttft_ms END");
  const rolled = await sqlRows<{ n: string }>(
    db,
    "sy_health_rollup",
    `WITH up AS (
       INSERT INTO provider_health_minutes AS m (provider_id, minute, requests, ok, latency_hist, ttft_hist)
       SELECT s.provider_id, date_trunc('minute', s.created_at), count(*)::int, count(*) FILTER (WHERE s.ok)::int, ${latency}, ${ttft}
       FROM provider_health_samples s
       WHERE s.created_at >= $1::timestamptz::timestamp AND s.created_at < $2::timestamptz::timestamp
       GROUP BY 1, 2
       ON CONFLICT (provider_id, minute) DO UPDATE
         SET requests = EXCLUDED.requests, ok = EXCLUDED.ok, latency_hist = EXCLUDED.latency_hist, ttft_hist = EXCLUDED.ttft_hist
       RETURNING 1)
     SELECT count(*)::text AS n FROM up`,
    [iso(from), iso(through)],
  );
  // After the rows: a reader that sees the new watermark finds every minute before it rolled.
  await db.systemSetting.upsert({
    where: { key: WATERMARK_KEY },
    create: { key: WATERMARK_KEY, value: { through: iso(through) } },
    update: { value: { through: iso(through) } },
  });
  // Raw samples go only once rolled (and past the re-roll window): never before the watermark.
  const rawCut = new Date(Math.min(now.getTime() - RAW_KEEP_MS, from.getTime()));
  const prunedSamples = await pruneInBatches(
    db,
    "sy_health_prune_samples",
    `DELETE FROM provider_health_samples WHERE id IN (SELECT id FROM provider_health_samples WHERE created_at < $1::timestamptz::timestamp LIMIT ${PRUNE_BATCH})`,
    iso(rawCut),
  );
  const prunedMinutes = await pruneInBatches(
    db,
    "sy_health_prune_minutes",
    `DELETE FROM provider_health_minutes WHERE (provider_id, minute) IN (SELECT provider_id, minute FROM provider_health_minutes WHERE minute < $1::timestamptz::timestamp LIMIT ${PRUNE_BATCH})`,
    iso(new Date(now.getTime() - ROLLUP_KEEP_MS)),
  );
  return { through, minutes: Number(rolled[0]?.n ?? 0), prunedSamples, prunedMinutes };
}

// Short statements, one batch each: a week of backlog never holds a lock for long.
async function pruneInBatches(db: Db, name: string, sql: string, cut: string): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await sqlRows<{ n: string }>(
      db,
      name,
      `WITH d AS (${sql} RETURNING 1) SELECT count(*)::text AS n FROM d`,
      [cut],
    );
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < PRUNE_BATCH) return total;
  }
}
