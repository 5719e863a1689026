/**
 * Marks the providers whose traffic in the last 15 minutes, from every app process, succeeded
 * less often than the healthy threshold: routing ranks them lower (lib/router/filters.ts) while
 * the circuit breakers deal with outright failure. The same threshold as the admin's card
 * (lib/health/summary.ts). Run by the maintenance job (lib/ops/maintenance.ts), so the request
 * path only reads the flag with the circuit snapshot.
 */
import type { Db } from "../db/client.ts";
import { sqlRows } from "../db/sql.ts";

export const HEALTHY_SUCCESS_RATE = 0.95;
const WINDOW_MS = 15 * 60_000;

/** Returns the ids now marked degraded. */
export async function markDegraded(db: Db, now: Date = new Date()): Promise<string[]> {
  const since = new Date(now.getTime() - WINDOW_MS).toISOString();
  const rows = await sqlRows<{ provider_id: string }>(
    db,
    "sy_degraded_mark",
    `WITH rates AS (
       SELECT provider_id FROM provider_health_samples
       WHERE created_at >= $1::timestamptz::timestamp
       GROUP BY provider_id HAVING count(*) FILTER (WHERE ok)::float8 / count(*) < $2::float8),
     marked AS (
       INSERT INTO provider_circuits AS c (provider_id, degraded, updated_at)
       SELECT r.provider_id, true, localtimestamp FROM rates r JOIN providers p ON p.id = r.provider_id
       ON CONFLICT (provider_id) DO UPDATE SET degraded = true, updated_at = localtimestamp WHERE NOT c.degraded
       RETURNING 1),
     cleared AS (
       UPDATE provider_circuits SET degraded = false, updated_at = localtimestamp
       WHERE degraded AND provider_id NOT IN (SELECT provider_id FROM rates)
       RETURNING 1)
     SELECT provider_id FROM rates`,
    [since, HEALTHY_SUCCESS_RATE],
  );
  return rows.map((r) => r.provider_id);
}
