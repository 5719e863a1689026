import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Db } from "../db/client.ts";
import { pidAlive } from "../config/process.ts";
import { settle, type SettleResult } from "./ledger.ts";
import { insertUsage, padUsageValues, usageValues, type UsageRecord, type UsageValues } from "../gateway/usage-log.ts";
import { log } from "../log/logger.ts";
import { env } from "../config/env.ts";

/**
 * A request's money and usage row are written after its reply has left (one statement: charge +
 * usage row, lib/ledger/ledger.ts settle), so the client never waits on the database for them.
 * Three things make that safe:
 *
 * - The journal. Before the reply's last byte is handed to the socket, the settle is appended to
 *   this process's journal file (one write(2) into the page cache, which outlives a kill -9 of the
 *   process). If the process dies before the statement commits, the next sweep by any app process
 *   on this machine (or the next start) replays the journals of dead processes. A replay cannot
 *   charge twice: settle is exactly-once per request (its HELD→SETTLED transition and the charge's
 *   unique idempotency key) and the usage row is keyed by the request id. Without a journal (no
 *   SWITCHYARD_JOURNAL_DIR: tests, `next dev`), such a request's hold simply expires: free.
 * - Read-your-writes. Reads of a user's money or usage in this process wait for that user's
 *   pending settles first (lib/http/handler.ts), so a client that asks for its balance right after
 *   a reply sees it charged.
 * - Retries. A settle that fails (database briefly down) is kept and retried by the sweeper.
 */
export type SettleJob = {
  userId: string;
  requestId: string;
  chargeMicros: number;
  reference: string;
  /** false when the request held nothing and costs nothing: only its usage row is written. */
  movesMoney: boolean;
  /** Stamped when written (with the charge's time when money moves), so no createdAt here. */
  usage: Omit<UsageRecord, "createdAt">;
};

/** A job as journaled and run: the usage row already as its INSERT's parameters (serialized once). */
export type Prepared = Omit<SettleJob, "usage"> & {
  usage: UsageValues;
  /** The gateway key whose monthly spend the charge counts in. */ apiKeyId?: string | null;
};

export const prepareJob = (job: SettleJob): Prepared => ({
  ...job,
  usage: usageValues(job.usage),
  apiKeyId: job.usage.apiKeyId,
});

type Segment = { fd: number; path: string; bytes: number; pending: number; sealed: boolean };

/**
 * This process's journal: files `<host>-<pid>-<n>.jsonl` of ~1 MB. A file is deleted once it is
 * full and every settle it holds has committed, so under steady load the journal stays a few MB.
 */
export class SettleJournal {
  private current: Segment | null = null;
  private seq = 0;

  constructor(
    readonly dir: string,
    private readonly maxBytes = 1 << 20,
  ) {}

  append(job: Prepared): Segment {
    if (!this.current || this.current.bytes >= this.maxBytes) {
      if (this.current) this.seal(this.current);
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const path = join(this.dir, `${hostname()}-${process.pid}-${++this.seq}.jsonl`);
      this.current = { fd: openSync(path, "a", 0o600), path, bytes: 0, pending: 0, sealed: false };
    }
    const seg = this.current;
    seg.bytes += writeSync(seg.fd, `${JSON.stringify(job)}\n`);
    seg.pending++;
    return seg;
  }

  /** One of the segment's settles committed. */
  settled(seg: Segment): void {
    seg.pending--;
    if (seg.sealed) this.dropIfDone(seg);
  }

  private seal(seg: Segment): void {
    seg.sealed = true;
    this.dropIfDone(seg);
  }

  private dropIfDone(seg: Segment): void {
    if (seg.pending > 0) return;
    closeSync(seg.fd);
    try {
      unlinkSync(seg.path);
    } catch {
      // already gone
    }
  }
}

async function run(db: Db, job: Prepared): Promise<SettleResult | null> {
  if (job.movesMoney)
    return settle(db, job.userId, job.requestId, job.chargeMicros, job.reference, job.usage, job.apiKeyId ?? null);
  await insertUsage(db, job.usage, job.chargeMicros);
  return null;
}

type Item = { job: Prepared; seg: Segment | undefined; onSettled?: (r: SettleResult) => void };

export class Settlements {
  private readonly pending = new Map<string, Set<Promise<void>>>();
  private failed: Item[] = [];

  constructor(
    private readonly db: Db,
    private readonly journal: SettleJournal | null,
  ) {}

  /** Journals the job (synchronously: call it before the reply's last byte) and runs it. */
  submit(settleJob: SettleJob, onSettled?: (r: SettleResult) => void): Promise<void> {
    const job = prepareJob(settleJob);
    const item: Item = { job, seg: this.journal?.append(job), onSettled };
    const done = this.attempt(item).catch((err: unknown) => {
      log().error(
        { request_id: job.requestId, err: err instanceof Error ? err.message : String(err) },
        "settle failed, will retry",
      );
      this.failed.push(item);
    });
    const set = this.pending.get(job.userId) ?? new Set();
    this.pending.set(job.userId, set);
    const tracked = done.finally(() => {
      set.delete(tracked);
      if (!set.size && this.pending.get(job.userId) === set) this.pending.delete(job.userId);
    });
    set.add(tracked);
    return tracked;
  }

  /** Resolves once this user's settles submitted so far are written (or failed); null when none are pending. */
  idle(userId: string): Promise<void> | null {
    const set = this.pending.get(userId);
    return set?.size ? Promise.all(set).then(() => undefined) : null;
  }

  /** Every pending settle, for a graceful shutdown and for tests. */
  async allIdle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending.values()].flatMap((s) => [...s]));
  }

  /** Runs failed settles again; what fails again stays for the next call. */
  async retryFailed(): Promise<number> {
    const items = this.failed.splice(0);
    let ok = 0;
    for (const item of items) {
      try {
        await this.attempt(item);
        ok++;
      } catch {
        this.failed.push(item);
      }
    }
    return ok;
  }

  /** Runs the job; once it has committed its journal line is done with. */
  private async attempt(item: Item): Promise<void> {
    const r = await run(this.db, item.job);
    if (item.seg) this.journal!.settled(item.seg);
    if (r) item.onSettled?.(r);
  }
}

/**
 * Settles what processes on this machine that died left in their journals, then deletes those
 * journals. Safe to run from several processes at once, and on settles that did commit: each
 * request is charged and logged at most once.
 */
export async function replayJournals(db: Db, dir: string): Promise<{ files: number; replayed: number }> {
  if (!existsSync(dir)) return { files: 0, replayed: 0 };
  const host = hostname();
  let files = 0;
  let replayed = 0;
  for (const name of readdirSync(dir)) {
    const m = /^(.+)-(\d+)-\d+\.jsonl$/.exec(name);
    if (!m || m[1] !== host || Number(m[2]) === process.pid || pidAlive(Number(m[2]))) continue;
    const path = join(dir, name);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      continue; // another process replayed and removed it meanwhile
    }
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      let job: Prepared;
      try {
        job = JSON.parse(line) as Prepared;
      } catch {
        log().warn({ file: name }, "ledger: skipped an unreadable journal line");
        continue;
      }
      // Journaled by the previous version of the app (an upgrade restarted it)? Fill in newer columns.
      await run(db, { ...job, usage: padUsageValues(job.usage) });
      replayed++;
    }
    try {
      unlinkSync(path);
    } catch {
      // already removed by another process's replay
    }
    files++;
  }
  return { files, replayed };
}

const holder = globalThis as unknown as { switchyardSettlements?: Settlements };

/**
 * The process's one Settlements (on globalThis: Next bundles routes separately, and the fast path
 * in scripts/serve.ts loads its own copy of lib/, but all must share the pending set and journal).
 */
export function processSettlements(db: Db): Settlements {
  const dir = env("SWITCHYARD_JOURNAL_DIR");
  holder.switchyardSettlements ??= new Settlements(db, dir ? new SettleJournal(dir) : null);
  return holder.switchyardSettlements;
}

/** The process's Settlements if one was made (reads wait on it; nothing to wait for otherwise). */
export function existingSettlements(): Settlements | undefined {
  return holder.switchyardSettlements;
}
