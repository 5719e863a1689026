// A separate OS process serving the app's real route handlers (tests/harness/app-server.ts), for
// tests that need more than one app process on one database, or one they can kill -9.
//
//   DATABASE_URL=… NEXTAUTH_SECRET=… SWITCHYARD_MASTER_KEY=… node --import tsx tests/helpers/serve-app.ts
//
// Prints `APP_URL <url>` once it listens. With SERVE_APP_SWEEPER=1 it also runs the ledger's hold
// sweeper (what instrumentation.ts does in the real app; the harness does not load instrumentation),
// at SWITCHYARD_SWEEP_INTERVAL_MS.
import { startAppServer } from "../harness/app-server.ts";
import { db } from "../../lib/db/client.ts";
import { startSweeper } from "../../lib/ledger/sweeper.ts";
import { startHealthChecker } from "../../lib/health/active-checks.ts";
import { masterKeyRing } from "../../lib/crypto/master-key.ts";
import { startMaintenance } from "../../lib/ops/maintenance.ts";
import { maintenanceTasks } from "../../lib/ops/tasks.ts";

for (const name of ["DATABASE_URL", "NEXTAUTH_SECRET", "SWITCHYARD_MASTER_KEY"]) {
  if (!process.env[name]) {
    console.error(`serve-app: ${name} is required`);
    process.exit(2);
  }
}

// Exit with the parent (vitest) even if it dies without stopping us.
if (typeof process.send === "function") process.on("disconnect", () => process.exit(0));

if (process.env.SERVE_APP_SWEEPER === "1") startSweeper(db());
// With SERVE_APP_HEALTH=1, the active health checker too (at SWITCHYARD_HEALTH_CHECK_INTERVAL_MS).
if (process.env.SERVE_APP_HEALTH === "1") startHealthChecker(db(), () => masterKeyRing());
// With SERVE_APP_MAINTENANCE=1, the maintenance runner (rollups, degraded marks) at SWITCHYARD_MAINTENANCE_TICK_MS.
if (process.env.SERVE_APP_MAINTENANCE === "1") startMaintenance(db(), maintenanceTasks());

const app = await startAppServer();
console.log(`APP_URL ${app.url}`);

const stop = () => void app.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
