// Runs once when a Next.js server process starts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // `next start` without scripts/start.ts still refuses a bad variable before serving.
  (await import("./lib/config/env")).checkEnv();
  const [
    { db },
    { startSweeper },
    { startHealthChecker },
    { masterKeyRing },
    { startMaintenance },
    { maintenanceTasks },
  ] = await Promise.all([
    import("./lib/db/client"),
    import("./lib/ledger/sweeper"),
    import("./lib/health/active-checks"),
    import("./lib/crypto/master-key"),
    import("./lib/ops/maintenance"),
    import("./lib/ops/tasks"),
  ]);
  startSweeper(db());
  // Every process asks; one per cluster (a lease) checks each provider's model list.
  startHealthChecker(db(), () => masterKeyRing());
  // Health rollups and pruning, degraded marks: one process per cluster too.
  startMaintenance(db(), maintenanceTasks());
}
