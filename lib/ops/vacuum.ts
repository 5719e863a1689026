import type { Db } from "../db/client.ts";
import { sqlTargetOf } from "../db/client.ts";

// The tables the maintenance job deletes from in bulk (health samples every minute, rollups and
// usage rows by age).
const PRUNED_TABLES = ["provider_health_samples", "provider_health_minutes", "usage_logs"];

/**
 * PostgreSQL's autovacuum makes the space of deleted rows reusable; the embedded database has no
 * autovacuum (PGlite runs PostgreSQL in single-user mode), so without this its files would grow
 * by every raw health sample ever pruned. A plain VACUUM: no table lock that blocks reads or
 * writes. No ANALYZE: the card and request-log plans are the same with or without statistics
 * (bench/health.bench.ts measures both), so it would be cost without gain.
 */
export async function vacuumEmbedded(db: Db): Promise<{ vacuumed: string[] }> {
  const { pool, prepare } = sqlTargetOf(db);
  if (prepare) return { vacuumed: [] }; // PostgreSQL: autovacuum's job
  for (const table of PRUNED_TABLES) await pool.query(`VACUUM ${table}`);
  return { vacuumed: PRUNED_TABLES };
}
