import type { Db } from "../db/client.ts";
import { sweepExpiredHolds } from "./ledger.ts";
import { existingSettlements, replayJournals } from "./settlements.ts";
import { rollUp } from "../finance/rollup.ts";
import { log } from "../log/logger.ts";
import { env } from "../config/env.ts";

/**
 * Every app process runs one. Each tick: settles what dead processes on this machine journaled but
 * never wrote (SWITCHYARD_JOURNAL_DIR), retries this process's failed settles, then releases holds
 * whose request died with its process before it could be settled (kill -9 mid-reply) once they
 * pass their expiry, and rolls finished days into finance's daily totals. Each is done once,
 * whichever process gets there first.
 */
export function startSweeper(
  db: Db,
  intervalMs = env("SWITCHYARD_SWEEP_INTERVAL_MS"),
  journalDir = env("SWITCHYARD_JOURNAL_DIR"),
): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      if (journalDir) {
        const { files, replayed } = await replayJournals(db, journalDir);
        if (files) log().info({ files, replayed }, "ledger: settled requests journaled by stopped processes");
      }
      const retried = await existingSettlements()?.retryFailed();
      if (retried) log().info({ retried }, "ledger: settled requests on retry");
      const released = await sweepExpiredHolds(db);
      if (released) log().info({ released }, "ledger: released expired holds");
      // Finance's daily rollups: a day is added once it is over (a no-op on most ticks; a long
      // backlog is worked off a week per tick).
      const rolled = await rollUp(db);
      if (rolled.days) log().info({ days: rolled.days }, "finance: rolled up days of usage and ledger");
    } catch (err) {
      log().error({ err: err instanceof Error ? err.message : String(err) }, "ledger: sweep failed");
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
