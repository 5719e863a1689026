import type { MaintenanceTask } from "./maintenance.ts";
import { markDegraded } from "../health/degraded.ts";
import { rollUpHealth } from "../health/rollup.ts";
import { pruneExpiredUsage } from "../usage/retention.ts";
import { vacuumEmbedded } from "./vacuum.ts";
import { env } from "../config/env.ts";

/** What the maintenance lease holder does, and how often. */
export function maintenanceTasks(tickMs = env("SWITCHYARD_MAINTENANCE_TICK_MS")): MaintenanceTask[] {
  return [
    // Every tick: routing's view of degraded providers lags at most one tick.
    { name: "health-degraded", everyMs: tickMs, run: (db, now) => markDegraded(db, now) },
    { name: "health-rollup", everyMs: Math.max(tickMs, 60_000), run: (db, now) => rollUpHealth(db, now) },
    // Days become prunable once the sweeper's finance rollup holds them: hourly is plenty.
    { name: "usage-retention", everyMs: Math.max(tickMs, 3_600_000), run: (db, now) => pruneExpiredUsage(db, { now }) },
    { name: "vacuum-embedded", everyMs: Math.max(tickMs, 3_600_000), run: (db) => vacuumEmbedded(db) },
  ];
}
