// The admin's provider health at a week of traffic: 50 requests/s over 8 providers, kept as the
// maintenance runner keeps them — 7 days of per-minute rollups (7 × 1,440 × 8 rows) and the last
// 2 hours of raw samples (360,000 rows), rolled once by rollUpHealth — plus 2 hours of usage rows
// (360,000) for the detail's last-50 list. Then the card query (healthSummary, every provider)
// and the detail query (providerHealthDetail) are timed, RUNS calls each, on the embedded
// database and on a throwaway PostgreSQL 15 cluster. Target: < 100 ms.
//
// Providers: one with no failures in the 2 hours (the walk back to its last error is longest),
// one failing 60 % of calls, the rest 1 %. The embedded database is measured as the app runs it:
// PGlite has no autovacuum, so its tables have no planner statistics unless someone runs ANALYZE.
// HEALTH_BENCH_TARGETS: "pglite,pg15" (default). HEALTH_BENCH_DATABASE_URL: an existing
// PostgreSQL database instead (seeded on first use; for looking at plans).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createDb, type Db } from "../lib/db/client.ts";
import { bootstrapDatabase } from "../lib/db/bootstrap.ts";
import { startEmbedded } from "../lib/db/embedded.ts";
import { CircuitBreakers } from "../lib/health/circuit-breaker.ts";
import { BOUNDS_MS, bucketOf, BUCKETS } from "../lib/health/histogram.ts";
import { providerHealthDetail } from "../lib/health/provider-detail.ts";
import { rollUpHealth } from "../lib/health/rollup.ts";
import { healthSummary } from "../lib/health/summary.ts";
import { createUser } from "../lib/users/users.ts";
import { startPostgresCluster } from "../tests/setup/postgres-cluster.ts";

const TARGETS = (process.env.HEALTH_BENCH_TARGETS || "pglite,pg15").split(",").map((t) => t.trim());
const PROVIDERS = 8;
const RATE = 50;
const RAW_MS = 2 * 3_600_000;
const RUNS = 30;
const log = (msg: string) => console.error(`[health-bench] ${msg}`);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** A minute's latency histogram of `n` calls, spread like the raw samples below (100–1,000 ms). */
function minuteHist(n: number, scale = 1): number[] {
  const h = new Array<number>(BUCKETS).fill(0);
  for (let i = 0; i < n; i++) h[bucketOf(Math.round((100 + ((i * 7919) % 900)) * scale))]! += 1;
  return h;
}

export async function seed(db: Db, now: Date): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < PROVIDERS; i++) {
    const p = await db.provider.create({
      data: {
        slug: `bench-${i}`,
        name: `Bench ${i}`,
        kind: "OPENAI_COMPATIBLE",
        baseUrl: "http://127.0.0.1:1/v1",
        priority: 60 - i,
      },
    });
    ids.push(p.id);
  }
  const user = await createUser(db, { email: `health-bench-${Date.now()}@bench.local`, password: "health-bench-1" });
  const perMinute = (RATE * 60) / PROVIDERS;
  const rawStart = new Date(now.getTime() - RAW_MS);
  const weekStart = new Date(Math.floor((now.getTime() - 7 * 86_400_000) / 60_000) * 60_000 + 60_000);
  log(`rollups: ${(7 * 1440 * PROVIDERS).toLocaleString()} minutes before ${rawStart.toISOString()}`);
  const t0 = performance.now();
  // Minutes before the raw samples: written as rollUpHealth writes them (one row per provider and minute).
  await db.$executeRawUnsafe(
    `INSERT INTO provider_health_minutes (provider_id, minute, requests, ok, latency_hist, ttft_hist)
     SELECT p.id, m, $1::int, CASE p.n WHEN 0 THEN $1 WHEN 1 THEN ($1 * 0.4)::int ELSE $1 - (random() * 8)::int END, $2::int[], $3::int[]
     FROM (SELECT id, (n - 1)::int AS n FROM unnest($4::text[]) WITH ORDINALITY AS u(id, n)) p,
          generate_series($5::timestamptz::timestamp, $6::timestamptz::timestamp - interval '1 minute', interval '1 minute') AS m`,
    perMinute,
    minuteHist(perMinute),
    minuteHist(perMinute, 0.3),
    ids,
    weekStart.toISOString(),
    rawStart.toISOString(),
  );
  log(
    `rollups written in ${((performance.now() - t0) / 1000).toFixed(1)} s; raw samples: ${((RAW_MS / 1000) * RATE).toLocaleString()}`,
  );
  const t1 = performance.now();
  const total = (RAW_MS / 1000) * RATE;
  const step = 100_000;
  for (let from = 0; from < total; from += step) {
    // Provider i % 8; bench-0 never fails, bench-1 fails 60 %, the rest 1 %.
    await db.$executeRawUnsafe(
      `INSERT INTO provider_health_samples (provider_id, ok, latency_ms, ttft_ms, status_code, error, created_at)
       SELECT ids[1 + i % ${PROVIDERS}], NOT failed, CASE WHEN failed THEN NULL ELSE lat END, CASE WHEN failed THEN NULL ELSE (lat * 0.3)::int END,
              CASE WHEN failed THEN 503 ELSE 200 END, CASE WHEN failed THEN 'upstream overloaded (503)' END,
              $2::timestamptz::timestamp + (i * ${1000 / RATE}) * interval '1 millisecond'
       FROM (SELECT i, $1::text[] AS ids, 100 + (random() * 900)::int AS lat,
                    CASE i % ${PROVIDERS} WHEN 0 THEN false WHEN 1 THEN random() < 0.6 ELSE random() < 0.01 END AS failed
             FROM generate_series($3::int, $4::int) AS i) g`,
      ids,
      rawStart.toISOString(),
      from,
      Math.min(total, from + step) - 1,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO usage_logs (id, user_id, provider_id, provider_slug, model_name, power_level, task_type, prompt_tokens, completion_tokens, charged_micros, latency_ms, ttft_ms, status, created_at)
       SELECT 'bench-' || i, $1, ids[1 + i % ${PROVIDERS}], 'bench-' || (i % ${PROVIDERS}), 'bench-model', 'BALANCED', 'chat', 120, 40, 1023, 400, 120,
              CASE WHEN i % ${PROVIDERS} = 1 AND i % 5 < 3 THEN 'error' ELSE 'success' END,
              $3::timestamptz::timestamp + (i * ${1000 / RATE}) * interval '1 millisecond'
       FROM (SELECT i, $2::text[] AS ids FROM generate_series($4::int, $5::int) AS i) g`,
      user.id,
      ids,
      rawStart.toISOString(),
      from,
      Math.min(total, from + step) - 1,
    );
  }
  log(`raw samples and usage rows written in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  // The maintenance runner's work: the 70 minutes before `now` re-rolled from raw, and (as an
  // earlier run would have) the 50 minutes before those.
  const t2 = performance.now();
  await rollUpHealth(db, new Date(now.getTime() - 50 * 60_000));
  const r = await rollUpHealth(db, now);
  log(
    `rollUpHealth: ${r.minutes} minutes rolled, ${r.prunedSamples} samples and ${r.prunedMinutes} minutes pruned, in ${((performance.now() - t2) / 1000).toFixed(1)} s`,
  );
  return ids;
}

async function time(what: string, fn: () => Promise<unknown>): Promise<string> {
  await fn(); // warm: plans, pool
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return `| ${what} | ${pct(ms, 50).toFixed(1)} | ${pct(ms, 95).toFixed(1)} | ${Math.max(...ms).toFixed(1)} |`;
}

async function benchTarget(target: string, db: Db, analyze: "as deployed" | "analyzed") {
  let now = new Date();
  const seeded = await db.provider.findMany({
    where: { slug: { startsWith: "bench-" } },
    orderBy: { slug: "asc" },
    select: { id: true },
  });
  const ids = seeded.length ? seeded.map((p) => p.id) : await seed(db, now);
  // An existing database: its `now` is when its raw samples end.
  if (seeded.length) now = (await db.providerHealthSample.aggregate({ _max: { createdAt: true } }))._max.createdAt!;
  const [sizes] = await db.$queryRaw<{ minutes: bigint; samples: bigint; usage: bigint }[]>`
    SELECT (SELECT count(*) FROM provider_health_minutes) AS minutes, (SELECT count(*) FROM provider_health_samples) AS samples, (SELECT count(*) FROM usage_logs) AS usage`;
  const breakers = new CircuitBreakers();
  const rows: string[] = [];
  const run = async (label: string) => {
    rows.push(
      await time(`healthSummary (all ${PROVIDERS + 13} providers' cards)${label}`, () =>
        healthSummary(db, breakers, { now }),
      ),
    );
    rows.push(
      await time(`providerHealthDetail, 1 % failing${label}`, () =>
        providerHealthDetail(db, breakers, { id: ids[2] }, now),
      ),
    );
    rows.push(
      await time(`providerHealthDetail, 60 % failing${label}`, () =>
        providerHealthDetail(db, breakers, { id: ids[1] }, now),
      ),
    );
    rows.push(
      await time(`providerHealthDetail, no failure in 2 h${label}`, () =>
        providerHealthDetail(db, breakers, { id: ids[0] }, now),
      ),
    );
  };
  if (analyze === "as deployed") {
    await run(" — no ANALYZE");
    await db.$executeRawUnsafe("ANALYZE");
    await run(" — after ANALYZE");
  } else {
    await db.$executeRawUnsafe("VACUUM ANALYZE");
    await run("");
  }
  const card = (await healthSummary(db, breakers, { now })).find((c) => c.provider_id === ids[2])!;
  console.log(
    `\n#### ${target}: ${Number(sizes!.minutes).toLocaleString()} rollup minutes, ${Number(sizes!.samples).toLocaleString()} raw samples, ${Number(sizes!.usage).toLocaleString()} usage rows; ${RUNS} runs each`,
  );
  console.log("| query | p50 ms | p95 ms | max ms |\n|---|---|---|---|");
  for (const r of rows) console.log(r);
  console.log(
    `(a 1 %-failing card: ${card.samples} calls / 15 min, p50 ${card.latency_p50_ms} ms, p95 ${card.latency_p95_ms} ms, ${card.requests_last_hour} requests last hour, ${card.hourly.filter((h) => h.requests > 0).length} hours with calls; histogram bounds ${BOUNDS_MS.length})`,
  );
}

async function main() {
  if (process.env.HEALTH_BENCH_DATABASE_URL) {
    const db = await bootstrapDatabase({ url: process.env.HEALTH_BENCH_DATABASE_URL });
    await benchTarget("given database", db, "as deployed");
    await db.$disconnect();
    return;
  }
  for (const target of TARGETS) {
    if (target === "pg15") {
      const cluster = await startPostgresCluster();
      try {
        const url = cluster.adminUrl.replace(/\/postgres(\?|$)/, "/health_bench$1");
        const admin = createDb(cluster.adminUrl, 1);
        await admin.$executeRawUnsafe("CREATE DATABASE health_bench");
        await admin.$disconnect();
        const db = await bootstrapDatabase({ url });
        await benchTarget("PostgreSQL 15", db, "analyzed");
        await db.$disconnect();
      } finally {
        await cluster.stop();
      }
    } else if (target === "pglite") {
      const dir = mkdtempSync(join(tmpdir(), "sy-healthbench-"));
      const server = await startEmbedded(dir);
      try {
        const db = await bootstrapDatabase({ url: server.url });
        await benchTarget("embedded (PGlite)", db, "as deployed");
        await db.$disconnect();
      } finally {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
