/**
 * Ledger benchmark: `npx tsx bench/ledger.bench.ts`
 *
 * What one gateway request costs the money system — a hold (reserve) and its settle — under
 * 64 concurrent clients, for LEDGER_BENCH_SECONDS (default 10) per scenario:
 *   - 64 clients on 64 different accounts (no contention between them),
 *   - 64 clients on ONE account (every pair fights for the same row lock),
 * on a throwaway PostgreSQL 15 cluster (pool of 64), then the same, shorter, on the embedded PGlite
 * (served over its socket multiplexer, as `npm start` runs it). After each database, verifyLedger
 * recomputes every balance from its entries. Times are per reserve+settle pair, in ms.
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import pg from "pg";
import { bootstrapDatabase } from "../lib/db/bootstrap.ts";
import { createDb, type Db } from "../lib/db/client.ts";
import { startEmbedded } from "../lib/db/embedded.ts";
import { postEntry, reserve, settle, verifyLedger } from "../lib/ledger/ledger.ts";
// The test suite's throwaway cluster (initdb + pg_ctl as the postgres user).
import { startPostgresCluster } from "../tests/setup/postgres-cluster.ts";

const CLIENTS = 64;
const SECONDS = Number(process.env.LEDGER_BENCH_SECONDS || 10);
const PGLITE_SECONDS = Math.max(1, Math.round(SECONDS / 3));
const HOLD = 1_000; // micro-USD held per request
const CHARGE = 700; // micro-USD charged at settle (the rest is released)

type Result = {
  pairs: number;
  errors: number;
  first: string | null;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  cpuMsPerPair: number;
};

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

async function createAccounts(db: Db, n: number, tag: string): Promise<string[]> {
  const emails = Array.from({ length: n }, (_, i) => `bench-${tag}-${i}@switchyard.local`);
  // Password hashing is not what is measured: users are inserted directly.
  await db.user.createMany({ data: emails.map((email) => ({ email, passwordHash: "bench" })) });
  const users = await db.user.findMany({ where: { email: { in: emails } }, select: { id: true } });
  for (const u of users)
    await postEntry(db, { userId: u.id, type: "GRANT", amountMicros: 1_000_000_000_000, reference: "bench grant" });
  return users.map((u) => u.id);
}

/** Each client loops reserve → settle on its account until the time is up. */
async function measure(
  db: Db,
  accountOf: (client: number) => string,
  seconds: number,
  clients = CLIENTS,
): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let first: string | null = null;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const userId = accountOf(client);
      while (performance.now() < deadline) {
        const requestId = randomUUID();
        const t0 = performance.now();
        try {
          await reserve(db, userId, requestId, HOLD);
          await settle(db, userId, requestId, CHARGE, `bench ${requestId}`);
          latencies.push(performance.now() - t0);
        } catch (err) {
          errors++;
          first ??= err instanceof Error ? err.message.split("\n").filter(Boolean).pop()! : String(err);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sorted = Float64Array.from(latencies).sort();
  return {
    pairs: latencies.length,
    errors,
    first,
    seconds: elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    cpuMsPerPair: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
  };
}

function report(label: string, r: Result) {
  const line = `${label.padEnd(48)} ${(r.pairs / r.seconds).toFixed(0).padStart(6)} pairs/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms  (${r.pairs} pairs in ${r.seconds.toFixed(1)} s; this process ${r.cpuMsPerPair.toFixed(1)} ms CPU per pair)`;
  console.log(r.errors ? `${line}  ${r.errors} ERRORS, first: ${r.first}` : line);
}

async function verify(db: Db, label: string): Promise<boolean> {
  const t0 = performance.now();
  const v = await verifyLedger(db);
  const ms = performance.now() - t0;
  if (v.mismatches.length) {
    for (const m of v.mismatches.slice(0, 10)) console.log(`  MISMATCH ${m.accountId}: ${m.problem}`);
    console.log(
      `${label}: verifyLedger found ${v.mismatches.length} mismatch(es) in ${v.accounts} accounts / ${v.entries} entries`,
    );
    return false;
  }
  console.log(
    `${label}: verifyLedger clean — ${v.accounts} accounts, ${v.entries} entries, every balance and hold matches (${ms.toFixed(0)} ms)`,
  );
  return true;
}

async function scenarios(db: Db, label: string, seconds: number, tag: string): Promise<boolean> {
  const accounts = await createAccounts(db, CLIENTS, `${tag}-many`);
  const [shared] = await createAccounts(db, 1, `${tag}-one`);
  // Warm-up: connections, prepared plans.
  await measure(db, (c) => accounts[c]!, 0.5);
  // Baseline: one client, no concurrency — what a single pair costs end to end.
  report(`${label}: 1 client`, await measure(db, () => accounts[0]!, Math.min(3, seconds), 1));
  report(`${label}: ${CLIENTS} clients, ${CLIENTS} accounts`, await measure(db, (c) => accounts[c]!, seconds));
  report(`${label}: ${CLIENTS} clients, ONE account`, await measure(db, () => shared!, seconds));
  const [{ n }] = (await db.$queryRaw<
    { n: bigint }[]
  >`SELECT count(*)::bigint AS n FROM reservations WHERE status = 'HELD'`) as [{ n: bigint }];
  if (n !== 0n) console.log(`${label}: ${n} holds left HELD (expected 0)`);
  return (await verify(db, label)) && n === 0n;
}

let ok = true;
console.log(
  `ledger: reserve(${HOLD}) + settle(${CHARGE}) micro-USD per pair, ${CLIENTS} concurrent clients; load average ${loadavg()[0]!.toFixed(2)}`,
);

// --- PostgreSQL 15 ---------------------------------------------------------------------------
{
  const { adminUrl, stop } = await startPostgresCluster();
  try {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query("CREATE DATABASE ledger_bench");
    await client.end();
    const url = adminUrl.replace(/\/postgres$/, "/ledger_bench");
    const boot = await bootstrapDatabase({ url });
    await boot.$disconnect();
    const db = createDb(url, CLIENTS);
    try {
      ok = (await scenarios(db, `PostgreSQL 15, pool ${CLIENTS}`, SECONDS, "pg")) && ok;
    } finally {
      await db.$disconnect();
    }
  } finally {
    await stop();
  }
}

// --- embedded PGlite (for comparison) ----------------------------------------------------------
{
  const server = await startEmbedded(null);
  try {
    const boot = await bootstrapDatabase({ url: server.url });
    await boot.$disconnect();
    // The socket server accepts 64 connections; leave room for the verifier's and bootstrap's.
    const pool = 32;
    const db = createDb(server.url, pool);
    try {
      ok = (await scenarios(db, `PGlite (embedded), pool ${pool}`, PGLITE_SECONDS, "lite")) && ok;
    } finally {
      await db.$disconnect();
    }
  } finally {
    await server.stop();
  }
}

console.log(ok ? "ledger verified clean after every run" : "LEDGER NOT CLEAN");
process.exit(ok ? 0 : 1);
