import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "../db/client.ts";
import { advanceUsagePruned, DAY_MS } from "../finance/rollup.ts";
import { utcMonthStart } from "../ledger/ledger.ts";
import { DEFAULTS, env } from "../config/env.ts";

/**
 * Usage retention: usage_logs rows (the request log, receipts and attempts) older than
 * SWITCHYARD_USAGE_RETENTION_DAYS are deleted; the finance rollups of their days stay, so every
 * finance figure is unchanged. Only whole UTC days the rollups already hold are pruned
 * (advanceUsagePruned records the horizon first, under the rollup lock), and never the current
 * month, whose rows gateway keys' monthly spend is checked against.
 */

export const DEFAULT_USAGE_RETENTION_DAYS = DEFAULTS.SWITCHYARD_USAGE_RETENTION_DAYS;

/** SWITCHYARD_USAGE_RETENTION_DAYS: a positive whole number of days (default 400); anything else stops `npm start`. */
export function usageRetentionDaysFromEnv(source: Record<string, string | undefined> = process.env): number {
  return env("SWITCHYARD_USAGE_RETENTION_DAYS", source);
}

export type PruneOptions = {
  /** Default: SWITCHYARD_USAGE_RETENTION_DAYS. */
  retentionDays?: number;
  /** Rows per DELETE statement (default 5,000: about 50 ms each at a million rows). */
  batchSize?: number;
  /**
   * Wait between statements (default 10 ms): the embedded database runs one statement at a time,
   * so without a gap every other caller's statement would queue behind the next batch too.
   */
  pauseMs?: number;
  now?: Date;
};

/**
 * Deletes the usage rows of days older than the retention period, one short statement per batch,
 * so no statement holds locks for long and the embedded database serves requests between them.
 * Returns how many rows went and the day before which rows were pruned (null: nothing rolled up
 * yet, so nothing may be pruned). Idempotent; cheap when there is nothing to do.
 */
export async function pruneExpiredUsage(
  db: Db,
  opts: PruneOptions = {},
): Promise<{ deleted: number; cutoff: Date | null }> {
  const retentionDays = opts.retentionDays ?? usageRetentionDaysFromEnv();
  const batchSize = opts.batchSize ?? 5000;
  const pauseMs = opts.pauseMs ?? 10;
  if (!Number.isSafeInteger(retentionDays) || retentionDays <= 0)
    throw new RangeError(`retentionDays must be a positive whole number (got ${retentionDays})`);
  if (!Number.isSafeInteger(batchSize) || batchSize <= 0)
    throw new RangeError(`batchSize must be a positive whole number (got ${batchSize})`);
  const now = opts.now ?? new Date();
  const wanted = new Date(Math.min(now.getTime() - retentionDays * DAY_MS, utcMonthStart(now).getTime()));
  const cutoff = await advanceUsagePruned(db, wanted);
  if (!cutoff) return { deleted: 0, cutoff: null };
  let deleted = 0;
  for (;;) {
    // Oldest first through the created_at index: each batch starts where the last one ended.
    const n = await db.$executeRaw`
      DELETE FROM usage_logs WHERE id IN (
        SELECT id FROM usage_logs WHERE created_at < ${cutoff}::timestamp(3) ORDER BY created_at, id LIMIT ${batchSize})`;
    deleted += n;
    if (n < batchSize) return { deleted, cutoff };
    if (pauseMs > 0) await sleep(pauseMs);
  }
}
