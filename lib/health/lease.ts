import type { Db } from "../db/client.ts";
import { sqlRows } from "../db/sql.ts";

/**
 * A cluster-wide job lease in the database: `holder` gets or keeps `name` for `ttlMs` when nobody
 * holds it, it has expired, or `holder` already holds it (a renewal). One statement, so two
 * processes asking at once cannot both win. A holder that dies stops renewing; the lease expires
 * and the next process to ask takes it. Times are the database's clock.
 */
export async function takeLease(db: Db, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const rows = await sqlRows<{ holder: string }>(
    db,
    "sy_lease",
    `INSERT INTO cluster_leases AS l (name, holder, expires_at) VALUES ($1, $2, localtimestamp + $3::int8 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
     WHERE l.holder = EXCLUDED.holder OR l.expires_at < localtimestamp
     RETURNING holder`,
    [name, holder, Math.round(ttlMs)],
  );
  return rows[0]?.holder === holder;
}

/** Gives the lease up (a clean shutdown), so another process need not wait for it to expire. */
export async function dropLease(db: Db, name: string, holder: string): Promise<void> {
  await sqlRows(db, "sy_lease_drop", `DELETE FROM cluster_leases WHERE name = $1 AND holder = $2`, [name, holder]);
}
