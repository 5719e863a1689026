// The admin request log at scale: GET /api/admin/requests timed over 20 calls each — no filter,
// each filter with 20 different values (heavy to light users and keys, every provider, popular to
// rare models, each level and status, one-day and one-hour windows), deep pages (a cursor far back)
// and the next page, plus one request's detail — against REQUESTS_BENCH_REQUESTS usage rows
// (default 1,000,000) of REQUESTS_BENCH_USERS users (default 10,000) over 120 days made by
// `npm run cli -- demo-data` (lib/finance/demo-data.ts), on a throwaway PostgreSQL 15 cluster and
// the embedded database. Then usage retention prunes the oldest 30 days while the list is read in
// a loop: how long pruning takes and what a reader waits meanwhile.
//
// The app's real route handlers serve over HTTP in this process (the test harness's server).
// REQUESTS_BENCH_DATABASE_URL: use an existing database that already holds the data (migrated
// first; never pruned). REQUESTS_BENCH_TARGETS: "pg15" and/or "pglite" (default both).
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
import { encodeRequestCursor } from "../lib/usage/admin-requests-query.ts";
import { pruneExpiredUsage } from "../lib/usage/retention.ts";
import { startPostgresCluster } from "../tests/setup/postgres-cluster.ts";
import { startAppServer } from "../tests/harness/app-server.ts";

const REQUESTS = Number(process.env.REQUESTS_BENCH_REQUESTS || 1_000_000);
const USERS = Number(process.env.REQUESTS_BENCH_USERS || 10_000);
const DAYS = 120;
const PRUNE_DAYS = 30;
const TARGETS = (process.env.REQUESTS_BENCH_TARGETS || "pg15,pglite").split(",").map((t) => t.trim());
const CALLS = 20;
const log = (msg: string) => console.error(`[requests-bench] ${msg}`);

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
  return { ms, body: JSON.parse(text) };
}

type Row = { query: string; p50: number; p95: number; max: number; rows: number; note: string };

async function measure(query: string, urls: string[], key: string, note = ""): Promise<Row> {
  await timed(urls[0]!, key); // warm: plans cached, pool connected
  const ms: number[] = [];
  let rows = 0;
  for (const u of urls) {
    const r = await timed(u, key);
    ms.push(r.ms);
    rows += Array.isArray(r.body.data) ? r.body.data.length : 1;
  }
  return {
    query,
    p50: pct(ms, 50),
    p95: pct(ms, 95),
    max: Math.max(...ms),
    rows: Math.round(rows / urls.length),
    note,
  };
}

/** `n` items spread evenly over `list` (first and last included), repeating a short list. */
function spread<T>(list: T[], n = CALLS): T[] {
  if (list.length === 0) throw new Error("nothing to spread");
  return Array.from(
    { length: n },
    (_, i) => list[list.length >= n ? Math.round((i * (list.length - 1)) / (n - 1)) : i % list.length]!,
  );
}

async function benchTarget(target: string, db: Db, url: string, prune: boolean) {
  process.env.DATABASE_URL = url;
  process.env.NEXTAUTH_SECRET ||= randomBytes(32).toString("base64url");
  process.env.SWITCHYARD_MASTER_KEY ||= randomBytes(32).toString("base64");
  const [count] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM usage_logs`;
  if (Number(count?.n ?? 0) < REQUESTS * 0.9) {
    log(
      `${target}: generating ${REQUESTS.toLocaleString()} requests for ${USERS.toLocaleString()} users over ${DAYS} days (demo-data)...`,
    );
    const r = await generateDemoData(db, {
      requests: REQUESTS,
      users: USERS,
      days: DAYS,
      reset: true,
      log: (l) => log(`  ${l}`),
    });
    log(`${target}: demo data in ${r.seconds.toFixed(0)} s`);
  }

  const admin = await createUser(db, {
    email: `requests-bench-${Date.now()}@bench.local`,
    password: "requests-bench-1",
    role: "ADMIN",
  });
  const key = (await createApiKey(db, admin.id, { name: "bench" })).key;
  // Filter values, heavy to light (set-up queries, not timed).
  const users = await db.$queryRaw<{ id: string; email: string; n: bigint }[]>`
    SELECT d.user_id AS id, u.email, sum(d.requests)::bigint AS n FROM usage_daily_users d JOIN users u ON u.id = d.user_id GROUP BY 1, 2 ORDER BY 3 DESC`;
  const keys = await db.$queryRaw<{ id: string; prefix: string; n: bigint }[]>`
    SELECT k.id, k.prefix, u.n FROM (SELECT api_key_id, count(*) AS n FROM usage_logs WHERE api_key_id IS NOT NULL GROUP BY 1) u JOIN api_keys k ON k.id = u.api_key_id ORDER BY 3 DESC`;
  const providers = await db.$queryRaw<
    { v: string }[]
  >`SELECT provider_slug AS v FROM usage_daily WHERE provider_slug <> 'none' GROUP BY 1 ORDER BY sum(requests) DESC`;
  const models = await db.$queryRaw<
    { v: string; p: string }[]
  >`SELECT model_name AS v, min(provider_slug) AS p FROM usage_daily WHERE model_name <> 'none' GROUP BY 1 ORDER BY sum(requests) DESC`;
  const [span] = await db.$queryRaw<
    { first: Date; last: Date; total: bigint }[]
  >`SELECT min(created_at) AS first, max(created_at) AS last, count(*) AS total FROM usage_logs`;
  const first = span!.first.getTime();
  const last = span!.last.getTime();
  const at = (share: number) => new Date(last - share * (last - first));
  // A page that starts at a point in time: any (created_at, id) is a valid keyset position.
  const cursorAt = (share: number) => encodeRequestCursor({ createdAt: at(share), id: "~" });

  const app = await startAppServer();
  try {
    const base = `${app.url}/api/admin/requests`;
    const q = (params: Record<string, string>) => `${base}?${new URLSearchParams({ limit: "50", ...params })}`;
    const shares = Array.from({ length: CALLS }, (_, i) => 0.1 + (0.89 * i) / (CALLS - 1));
    const rows: Row[] = [];
    rows.push(await measure("no filter, first page", spread([q({})]), key));
    const page1 = (await timed(q({}), key)).body;
    rows.push(await measure("no filter, page 2 (next_cursor)", spread([q({ cursor: page1.next_cursor })]), key));
    rows.push(
      await measure(
        "no filter, deep page (cursor 10-99% back)",
        shares.map((s) => q({ cursor: cursorAt(s) })),
        key,
        "keyset: no OFFSET",
      ),
    );
    rows.push(
      await measure(
        "user (id)",
        spread(users).map((u) => q({ user: u.id })),
        key,
        `${users[0]!.n} to ${users.at(-1)!.n} requests per user`,
      ),
    );
    rows.push(
      await measure(
        "user (email)",
        spread(users).map((u) => q({ user: u.email })),
        key,
      ),
    );
    rows.push(
      await measure(
        "user, deep page",
        spread(users.slice(0, 100)).map((u, i) => q({ user: u.id, cursor: cursorAt(shares[i]!) })),
        key,
        "the 100 heaviest users",
      ),
    );
    rows.push(
      await measure(
        "key (id)",
        spread(keys).map((k) => q({ key: k.id })),
        key,
        `${keys[0]!.n} to ${keys.at(-1)!.n} requests per key`,
      ),
    );
    rows.push(
      await measure(
        "key (prefix)",
        spread(keys).map((k) => q({ key: k.prefix })),
        key,
      ),
    );
    rows.push(
      await measure(
        "provider",
        spread(providers).map((p) => q({ provider: p.v })),
        key,
        `${providers.length} providers`,
      ),
    );
    rows.push(
      await measure(
        "model",
        spread(models).map((m) => q({ model: m.v })),
        key,
        `${models.length} models, popular to rare`,
      ),
    );
    rows.push(
      await measure(
        "power level",
        spread(["ECO", "BALANCED", "PRECISION"]).map((v) => q({ power_level: v })),
        key,
      ),
    );
    rows.push(
      await measure(
        "status",
        spread(["success", "error", "cancelled"]).map((v) => q({ status: v })),
        key,
        "error 1.2%, cancelled 0.8% of rows",
      ),
    );
    rows.push(
      await measure(
        "status=error, deep page",
        shares.map((s) => q({ status: "error", cursor: cursorAt(s) })),
        key,
      ),
    );
    rows.push(
      await measure(
        "one day (from/to)",
        shares.map((s) => q({ from: at(s).toISOString().slice(0, 10), to: at(s).toISOString().slice(0, 10) })),
        key,
      ),
    );
    rows.push(
      await measure(
        "one hour (from/to instants)",
        shares.map((s) => q({ from: at(s).toISOString(), to: new Date(at(s).getTime() + 3_600_000).toISOString() })),
        key,
      ),
    );
    rows.push(
      await measure(
        "user + status + provider",
        spread(users.slice(0, 200)).map((u, i) =>
          q({ user: u.id, status: "success", provider: providers[i % providers.length]!.v }),
        ),
        key,
      ),
    );
    const ids = (await timed(q({ cursor: cursorAt(0.5), limit: String(CALLS) }), key)).body.data.map(
      (r: { id: string }) => r.id,
    );
    rows.push(
      await measure(
        "GET /api/admin/requests/:id",
        ids.map((id: string) => `${base}/${encodeURIComponent(id)}`),
        key,
        "receipt and attempts",
      ),
    );
    // Known slow shape: two filters that each match many rows but none together.
    const other = models.find((m) => m.p !== providers[0]!.v)!;
    rows.push(
      await measure(
        "provider + another provider's model (no match)",
        spread([q({ provider: providers[0]!.v, model: other.v })], 3),
        key,
        "scans until it runs out; a time window bounds it",
      ),
    );

    console.log(
      `\n#### ${target}: ${Number(span!.total).toLocaleString()} usage rows over ${DAYS} days, ${users.length.toLocaleString()} users with requests; ${CALLS} calls each, limit 50`,
    );
    console.log("| query | p50 ms | p95 ms | max ms | rows | note |\n|---|---|---|---|---|---|");
    for (const r of rows)
      console.log(
        `| ${r.query} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${r.rows} | ${r.note} |`,
      );

    if (prune) {
      // Retention: the oldest PRUNE_DAYS days go (about a quarter of the rows), 5,000 per statement,
      // while one reader pages the log's first page back to back.
      const reads: number[] = [];
      let pruning = true;
      const reader = (async () => {
        while (pruning) reads.push((await timed(q({}), key)).ms);
      })();
      const t = performance.now();
      const r = await pruneExpiredUsage(db, { retentionDays: DAYS - PRUNE_DAYS, now: new Date(last) });
      const seconds = (performance.now() - t) / 1000;
      pruning = false;
      await reader;
      const batches = Math.ceil(r.deleted / 5000);
      const perStatement = (seconds * 1000 - (batches - 1) * 10) / Math.max(1, batches);
      console.log(
        `retention: pruned ${r.deleted.toLocaleString()} rows (before ${r.cutoff?.toISOString().slice(0, 10)}) in ${seconds.toFixed(1)} s, ${batches} statements of up to 5,000 rows (${perStatement.toFixed(0)} ms each on average, 10 ms apart); ` +
          `meanwhile ${reads.length} reads of the first page: p50 ${pct(reads, 50).toFixed(1)} ms, p95 ${pct(reads, 95).toFixed(1)} ms, max ${Math.max(...reads).toFixed(1)} ms`,
      );
    }
  } finally {
    await app.close();
    // The handlers' process-wide client (lib/db/client.ts) points at this target: the next one needs its own.
    const shared = globalThis as unknown as { switchyardDb?: Db };
    await shared.switchyardDb?.$disconnect();
    delete shared.switchyardDb;
  }
}

async function main() {
  if (process.env.REQUESTS_BENCH_DATABASE_URL) {
    const url = process.env.REQUESTS_BENCH_DATABASE_URL;
    const db = await bootstrapDatabase({ url });
    await benchTarget("given database", db, url, false);
    await db.$disconnect();
    return;
  }
  for (const target of TARGETS) {
    if (target === "pg15") {
      const cluster = await startPostgresCluster();
      try {
        const url = cluster.adminUrl.replace(/\/postgres(\?|$)/, "/requests_bench$1");
        const admin = createDb(cluster.adminUrl, 1);
        await admin.$executeRawUnsafe("CREATE DATABASE requests_bench");
        await admin.$disconnect();
        const db = await bootstrapDatabase({ url });
        await benchTarget("PostgreSQL 15", db, url, true);
        await db.$disconnect();
      } finally {
        await cluster.stop();
      }
    } else if (target === "pglite") {
      const dir = mkdtempSync(join(tmpdir(), "sy-reqbench-"));
      const server = await startEmbedded(dir);
      try {
        const db = await bootstrapDatabase({ url: server.url });
        await benchTarget("embedded (PGlite)", db, server.url, true);
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
