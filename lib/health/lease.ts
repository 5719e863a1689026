import type { Db } from "../db/client.ts";
import { hostname } from "node:os";
import { sqlRows } from "../db/sql.ts";
import { log } from "../log/logger.ts";
import { scrubSecrets } from "../security/scrub.ts";

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

/**
 * Runs `work` every `tickMs` in every process, but only while this process holds the lease
 * `name` (ttl `ttlMs`): a dead holder stops renewing and another process takes over once it
 * expires. `onTakeover` runs when this process has just become the holder. Returns a stop
 * function that gives the lease up.
 */
export function runUnderLease(
  db: Db,
  opts: {
    name: string;
    ttlMs: number;
    tickMs: number;
    what: string;
    work: () => Promise<unknown>;
    onTakeover?: () => void;
  },
): () => Promise<void> {
  const holder = `${hostname()}-${process.pid}`;
  let running = false;
  let held = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const wasHeld = held;
      held = await takeLease(db, opts.name, holder, opts.ttlMs);
      if (held && !wasHeld) opts.onTakeover?.();
      if (held) await opts.work();
    } catch (err) {
      log().error({ err: scrubSecrets(err instanceof Error ? err.message : String(err)) }, `${opts.what} failed`);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), opts.tickMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    if (held) await dropLease(db, opts.name, holder).catch(() => undefined);
  };
}
