/**
 * Background work that one app process of a cluster does for all (a lease in the database,
 * lib/health/lease.ts, like the health checker): each task runs on its own period while this
 * process holds the lease. Every process ticks; a dead holder is replaced once its lease expires.
 */
import type { Db } from "../db/client.ts";
import { runUnderLease } from "../health/lease.ts";
import { log } from "../log/logger.ts";
import { scrubSecrets } from "../security/scrub.ts";
import { DEFAULTS, env } from "../config/env.ts";

export const MAINTENANCE_LEASE = "maintenance";
export const DEFAULT_TICK_MS = DEFAULTS.SWITCHYARD_MAINTENANCE_TICK_MS;

export type MaintenanceTask = {
  name: string;
  everyMs: number;
  run(db: Db, now: Date): Promise<unknown>;
};

/** Runs the tasks that are due, in order; one failing does not stop the others. Returns the names run. */
export async function runDueTasks(
  db: Db,
  tasks: readonly MaintenanceTask[],
  lastRun: Map<string, number>,
  now: () => number = Date.now,
): Promise<string[]> {
  const ran: string[] = [];
  for (const t of tasks) {
    const last = lastRun.get(t.name);
    if (last !== undefined && now() - last < t.everyMs) continue;
    lastRun.set(t.name, now());
    try {
      const result = await t.run(db, new Date(now()));
      ran.push(t.name);
      if (result && typeof result === "object") log().debug({ task: t.name, ...result }, "maintenance: task ran");
    } catch (err) {
      log().error(
        { task: t.name, err: scrubSecrets(err instanceof Error ? err.message : String(err)) },
        "maintenance: task failed",
      );
    }
  }
  return ran;
}

export function startMaintenance(
  db: Db,
  tasks: readonly MaintenanceTask[],
  opts: { tickMs?: number } = {},
): () => Promise<void> {
  const tickMs = opts.tickMs ?? env("SWITCHYARD_MAINTENANCE_TICK_MS");
  const lastRun = new Map<string, number>();
  return runUnderLease(db, {
    name: MAINTENANCE_LEASE,
    // The lease outlives four ticks: a holder that misses one keeps it, a dead one loses it soon.
    ttlMs: tickMs * 4,
    tickMs,
    what: "maintenance: tick",
    work: () => runDueTasks(db, tasks, lastRun),
    // A process that just took over starts every task afresh rather than trusting old timings.
    onTakeover: () => lastRun.clear(),
  });
}
