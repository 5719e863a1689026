// Finance at scale: every finance endpoint (and the user-side usage and ledger endpoints) timed over
// 20 calls with varied ranges against a database of FINANCE_BENCH_REQUESTS usage rows (default
// 1,000,000) for FINANCE_BENCH_USERS users (default 10,000) over 90 days, made by
// `npm run cli -- demo-data` (lib/finance/demo-data.ts) on a throwaway PostgreSQL 15 cluster; and
// the full usage CSV export streamed with the server's RSS sampled throughout.
//
// The app's real route handlers serve over HTTP in this process (the test harness's server: the
// same handler code `npm start` runs, without the Next build), so RSS growth is this process's.
// FINANCE_BENCH_DATABASE_URL: use an existing database that already holds the data (no cluster, no
// generation). FINANCE_BENCH_TARGETS: "pg15" (default) and/or "pglite" (the embedded database).
// Prints numbers; asserts nothing but that each call answers 200.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, type Db } from "../lib/db/client.ts";
import { bootstrapDatabase } from "../lib/db/bootstrap.ts";
import { startEmbedded } from "../lib/db/embedded.ts";
import { createUser } from "../lib/users/users.ts";
import { createApiKey } from "../lib/keys/api-keys.ts";
import { generateDemoData } from "../lib/finance/demo-data.ts";
import { startPostgresCluster } from "../tests/setup/postgres-cluster.ts";
import { startAppServer } from "../tests/harness/app-server.ts";

const REQUESTS = Number(process.env.FINANCE_BENCH_REQUESTS || 1_000_000);
const USERS = Number(process.env.FINANCE_BENCH_USERS || 10_000);
const TARGETS = (process.env.FINANCE_BENCH_TARGETS || "pg15").split(",").map((t) => t.trim());
const CALLS = 20;
const DAY = 86_400_000;
const log = (msg: string) => console.error(`[finance-bench] ${msg}`);

const ymd = (d: Date) => d.toISOString().slice(0, 10);

/** 20 ranges a finance person would ask for: presets, weeks, single days, partial days, 90 days. */
function ranges(now = new Date()): { from: string; to: string }[] {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const out = [
    { from: ymd(monthStart), to: ymd(today) },
    { from: ymd(lastMonth), to: ymd(new Date(monthStart.getTime() - DAY)) },
    { from: ymd(new Date(today.getTime() - 29 * DAY)), to: ymd(today) },
    { from: ymd(new Date(today.getTime() - 89 * DAY)), to: ymd(today) },
    { from: ymd(new Date(today.getTime() - 6 * DAY)), to: ymd(today) },
    { from: ymd(today), to: ymd(today) },
  ];
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  while (out.length < CALLS) {
    const start = today.getTime() - Math.floor(rnd() * 85) * DAY;
    const days = 1 + Math.floor(rnd() * 30);
    const partial = out.length % 3 === 0;
    out.push(
      partial
        ? {
            from: new Date(start + 6 * 3_600_000).toISOString(),
            to: new Date(Math.min(start + days * DAY + 3_600_000, now.getTime())).toISOString(),
          }
        : { from: ymd(new Date(start)), to: ymd(new Date(Math.min(start + (days - 1) * DAY, today.getTime()))) },
    );
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function timed(url: string, key: string): Promise<{ ms: number; body: any }> {
  const t = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const text = await res.text();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text.slice(0, 300)}`);
  return { ms, body: text.startsWith("{") ? JSON.parse(text) : text };
}

type Row = { endpoint: string; p50: number; p95: number; max: number; note: string };

async function measure(endpoint: string, urls: string[], key: string, note = ""): Promise<Row> {
  await timed(urls[0]!, key); // warm: plans cached, pool connected
  const ms: number[] = [];
  for (const u of urls) ms.push((await timed(u, key)).ms);
  return { endpoint, p50: pct(ms, 50), p95: pct(ms, 95), max: Math.max(...ms), note };
}

/** Streams the whole export, sampling RSS every 20 ms; returns rows, bytes, seconds and RSS growth. */
async function exportRun(url: string, key: string) {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  let bytes = 0;
  let lines = 0;
  let first = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (!first) first = performance.now() - t;
    bytes += chunk.byteLength;
    for (let i = 0; i < chunk.byteLength; i++) if (chunk[i] === 10) lines++;
  }
  clearInterval(timer);
  return {
    status: res.status,
    rows: lines - 1,
    mb: bytes / 1e6,
    seconds: (performance.now() - t) / 1000,
    firstByteMs: first,
    rssGrowthMb: (peak - base) / 1e6,
  };
}

async function benchTarget(target: string, db: Db, url: string) {
  process.env.DATABASE_URL = url;
  process.env.NEXTAUTH_SECRET ||= randomBytes(32).toString("base64url");
  process.env.SWITCHYARD_MASTER_KEY ||= randomBytes(32).toString("base64");
  const [count] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM usage_logs`;
  if (Number(count?.n ?? 0) < REQUESTS * 0.9) {
    log(
      `${target}: generating ${REQUESTS.toLocaleString()} requests for ${USERS.toLocaleString()} users (demo-data)...`,
    );
    const r = await generateDemoData(db, { requests: REQUESTS, users: USERS, reset: true, log: (l) => log(`  ${l}`) });
    log(`${target}: demo data in ${r.seconds.toFixed(0)} s: ${r.requests} requests, ${r.ledgerEntries} ledger entries`);
  }
  const [sizes] = await db.$queryRaw<{ usage: bigint; ledger: bigint; users: bigint }[]>`
    SELECT (SELECT count(*) FROM usage_logs) AS usage, (SELECT count(*) FROM ledger_entries) AS ledger, (SELECT count(*) FROM users) AS users`;
  log(`${target}: ${sizes!.usage} usage rows, ${sizes!.ledger} ledger entries, ${sizes!.users} users`);

  const fin = await createUser(db, {
    email: `finance-bench-${Date.now()}@bench.local`,
    password: "finance-bench-1",
    role: "FINANCE",
  });
  const key = (await createApiKey(db, fin.id, { name: "bench" })).key;
  // The heaviest and a median user by request count, for the user-side endpoints.
  const users = await db.$queryRaw<
    { user_id: string; n: bigint }[]
  >`SELECT user_id, sum(requests)::bigint AS n FROM usage_daily_users GROUP BY 1 ORDER BY 2 DESC`;
  const heavy = users[0]!;
  const median = users[Math.floor(users.length / 2)]!;
  const heavyKey = (await createApiKey(db, heavy.user_id, { name: "bench" })).key;
  const medianKey = (await createApiKey(db, median.user_id, { name: "bench" })).key;
  const [top] = await db.$queryRaw<{ provider: string; model: string }[]>`
    SELECT provider_slug AS provider, model_name AS model FROM usage_daily GROUP BY 1, 2 ORDER BY sum(requests) DESC LIMIT 1`;

  const app = await startAppServer();
  try {
    const rs = ranges();
    const q = (r: { from: string; to: string }) => `from=${encodeURIComponent(r.from)}&to=${encodeURIComponent(r.to)}`;
    const rows: Row[] = [];
    rows.push(
      await measure(
        "GET /api/finance/summary",
        rs.map((r) => `${app.url}/api/finance/summary?${q(r)}`),
        key,
      ),
    );
    rows.push(
      await measure(
        "GET /api/finance/requests (provider's day)",
        rs.map(
          (r) =>
            `${app.url}/api/finance/requests?${q(r)}&provider=${encodeURIComponent(top!.provider)}&day=${r.from.slice(0, 10)}`,
        ),
        key,
      ),
    );
    rows.push(
      await measure(
        "GET /api/finance/requests (a user)",
        rs.map((r) => `${app.url}/api/finance/requests?${q(r)}&user_id=${heavy.user_id}`),
        key,
        "the heaviest user",
      ),
    );
    rows.push(
      await measure(
        "GET /api/finance/requests (a model)",
        rs.map((r) => `${app.url}/api/finance/requests?${q(r)}&model=${encodeURIComponent(top!.model)}`),
        key,
      ),
    );
    const first = (await timed(`${app.url}/api/finance/requests?${q(rs[3]!)}&limit=50`, key)).body;
    rows.push(
      await measure(
        "GET /api/finance/requests (page 2)",
        rs.map(() => `${app.url}/api/finance/requests?${q(rs[3]!)}&limit=50&cursor=${first.next_cursor}`),
        key,
      ),
    );
    rows.push(
      await measure(
        "GET /api/finance/reconciliation",
        rs.map((r) => `${app.url}/api/finance/reconciliation?${q(r)}`),
        key,
        "ledger vs usage and vs events; Stripe not configured",
      ),
    );
    rows.push(
      await measure(
        "GET /api/usage (heaviest user)",
        rs.map((r, i) => `${app.url}/api/usage?${q(r)}&group_by=${["day", "provider", "model", "power_level"][i % 4]}`),
        heavyKey,
        `${heavy.n} requests in 90 days`,
      ),
    );
    rows.push(
      await measure(
        "GET /api/usage (median user)",
        rs.map((r) => `${app.url}/api/usage?${q(r)}`),
        medianKey,
      ),
    );
    rows.push(
      await measure(
        "GET /api/credits/ledger (heaviest user)",
        rs.map(() => `${app.url}/api/credits/ledger?limit=50`),
        heavyKey,
      ),
    );
    // Time to the first bytes of an export (the download starts; the file then streams).
    const ttfb: number[] = [];
    for (const r of rs) {
      const t = performance.now();
      const res = await fetch(`${app.url}/api/finance/export.csv?kind=usage&${q(r)}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const reader = res.body!.getReader();
      await reader.read();
      ttfb.push(performance.now() - t);
      await reader.cancel();
    }
    rows.push({
      endpoint: "GET /api/finance/export.csv (first bytes)",
      p50: pct(ttfb, 50),
      p95: pct(ttfb, 95),
      max: Math.max(...ttfb),
      note: "then streams",
    });

    console.log(
      `\n#### ${target}: ${Number(sizes!.usage).toLocaleString()} usage rows, ${Number(sizes!.ledger).toLocaleString()} ledger entries, ${Number(sizes!.users).toLocaleString()} users; ${CALLS} calls each, varied ranges`,
    );
    console.log("| endpoint | p50 ms | p95 ms | max ms | note |\n|---|---|---|---|---|");
    for (const r of rows)
      console.log(`| ${r.endpoint} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${r.note} |`);

    const all = { from: ymd(new Date(Date.now() - 365 * DAY)), to: ymd(new Date()) };
    for (const kind of ["usage", "ledger"] as const) {
      const e = await exportRun(`${app.url}/api/finance/export.csv?kind=${kind}&${q(all)}`, key);
      console.log(
        `export kind=${kind}, all rows: ${e.rows.toLocaleString()} rows, ${e.mb.toFixed(0)} MB in ${e.seconds.toFixed(1)} s (${Math.round(e.rows / e.seconds).toLocaleString()} rows/s), first bytes after ${e.firstByteMs.toFixed(0)} ms, RSS growth ${e.rssGrowthMb.toFixed(0)} MB`,
      );
    }
  } finally {
    await app.close();
  }
}

async function main() {
  if (process.env.FINANCE_BENCH_DATABASE_URL) {
    const db = createDb(process.env.FINANCE_BENCH_DATABASE_URL, 8);
    await benchTarget("given database", db, process.env.FINANCE_BENCH_DATABASE_URL);
    await db.$disconnect();
    return;
  }
  for (const target of TARGETS) {
    if (target === "pg15") {
      const cluster = await startPostgresCluster();
      try {
        const url = cluster.adminUrl.replace(/\/postgres(\?|$)/, "/finance_bench$1");
        const admin = createDb(cluster.adminUrl, 1);
        await admin.$executeRawUnsafe("CREATE DATABASE finance_bench");
        await admin.$disconnect();
        const db = await bootstrapDatabase({ url });
        await benchTarget("PostgreSQL 15", db, url);
        await db.$disconnect();
      } finally {
        await cluster.stop();
      }
    } else if (target === "pglite") {
      const dir = mkdtempSync(join(tmpdir(), "sy-finbench-"));
      const server = await startEmbedded(dir);
      try {
        const db = await bootstrapDatabase({ url: server.url });
        await benchTarget("embedded (PGlite)", db, server.url);
        await db.$disconnect();
      } finally {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
