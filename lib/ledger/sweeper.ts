import type { Db } from "../db/client.ts";
import { sweepExpiredHolds } from "./ledger.ts";

/**
 * Releases holds whose request died with its process (kill -9, crash) once they pass their
 * expiry. Every app process runs one; a hold is released once whichever sweeps it first.
 */
export function startSweeper(db: Db, intervalMs = Number(process.env.SWITCHYARD_SWEEP_INTERVAL_MS || 60_000)): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const released = await sweepExpiredHolds(db);
      if (released) console.log(`[ledger] released ${released} expired hold(s)`);
    } catch (err) {
      console.error("[ledger] sweep failed:", err instanceof Error ? err.message : err);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
