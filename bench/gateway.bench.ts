// Gateway overhead, side by side, in one table: the same chat completion sent
//   - to the bare upstream (a zero-delay OpenAI-compatible mock, its own process, on loopback),
//   - through Portkey's open-source gateway (@portkey-ai/gateway, offline, proxying to the mock),
//   - through Switchyard on its embedded database (`npm start`, a temp DATA_DIR),
//   - through Switchyard on a throwaway PostgreSQL 15 cluster (`npm start` with DATABASE_URL),
// streamed and not, at concurrency 1 and 50. The reply is 6 tokens (max_tokens 16). Also one
// cheap authenticated Switchyard route (GET /api/v1/models with the bench key) against the mock's
// GET /v1/models, for what Next.js's route layer plus key auth cost without any upstream call.
//
// Targets run one at a time (2-core machine: nothing else of ours competes); the mock serves them
// all. After each row the server's RSS is read from /proc. At the end the ledger of both
// Switchyard databases is verified. Numbers only: nothing is asserted except that targets start.
//
// GATEWAY_BENCH_TARGETS (default "portkey,pglite,pg15") and GATEWAY_BENCH_MODES (default
// "stream,json,models"): a subset, for iterating on one (profiling); the full table needs all.
// GATEWAY_BENCH_N1 (default 300) and GATEWAY_BENCH_N50 (default 2000) requests per row at
// concurrency 1 and 50; GATEWAY_BENCH_WARMUP (default 200) per mode and target, unmeasured.
// GATEWAY_BENCH_FENCED=1 gives the bench key every fence that costs work per request (a monthly
// limit, so its spend is read and held with the balance; rpm and tpm, so its rate window is
// counted and its tokens added): the dearest path. Without it only the per-user rate limit applies.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDb } from "../lib/db/client.ts";
import { startEmbedded } from "../lib/db/embedded.ts";
import { createApiKey } from "../lib/keys/api-keys.ts";
import { postEntry, verifyLedger } from "../lib/ledger/ledger.ts";
import { startPostgresCluster, type PostgresCluster } from "../tests/setup/postgres-cluster.ts";

const root = join(import.meta.dirname, "..");
const N1 = Number(process.env.GATEWAY_BENCH_N1 || 300);
const N50 = Number(process.env.GATEWAY_BENCH_N50 || 2000);
const WARMUP = Number(process.env.GATEWAY_BENCH_WARMUP || 200);
const LEVELS = [
  [1, N1],
  [50, N50],
] as const;
const MODES = new Set((process.env.GATEWAY_BENCH_MODES || "stream,json,models").split(",").map((m) => m.trim()));
const TARGETS = new Set((process.env.GATEWAY_BENCH_TARGETS || "portkey,pglite,pg15").split(",").map((t) => t.trim()));
const ADMIN = { email: "bench@switchyard.local", password: "bench-password-1" };
const EXPECTED_REPLY = "Hello from the mock upstream."; // the mock's default 6 pieces
const PORTKEY_DIR = join(root, "node_modules", "@portkey-ai", "gateway");
const log = (msg: string) => console.error(`[bench] ${msg}`);
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;

// --- processes -----------------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), "sy-gwbench-"));
type Proc = { name: string; child: ChildProcess; logFile: string; exited: Promise<number | null> };
const procs: Proc[] = [];
let cluster: PostgresCluster | undefined;

/** Each child leads its own process group (npm → sh → tsx → launcher → next), so one signal reaches all of it. */
function launch(name: string, cmd: string, args: string[], env: Record<string, string>): Proc {
  const logFile = join(work, `${name.replace(/\W+/g, "-")}.log`);
  const fd = openSync(logFile, "a");
  const child = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", fd, fd],
    detached: true,
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const p = { name, child, logFile, exited };
  procs.push(p);
  return p;
}

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

async function stop(p: Proc) {
  const pgid = p.child.pid!;
  try {
    process.kill(-pgid, "SIGTERM");
  } catch {
    /* already gone */
  }
  // Wait for the whole group (the launcher closes the embedded database on its way out).
  const end = Date.now() + 20_000;
  while (groupAlive(pgid) && Date.now() < end) await sleep(100);
  if (groupAlive(pgid)) process.kill(-pgid, "SIGKILL");
  procs.splice(procs.indexOf(p), 1);
}

function cleanupSync() {
  for (const p of procs) {
    try {
      process.kill(-p.child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  procs.length = 0;
  rmSync(work, { recursive: true, force: true });
  // The cluster module stops its server on process exit by itself.
}
process.on("exit", cleanupSync);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 30): string {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").slice(-lines).join("\n") : "(no log)";
}

/** Up when it answers anything below 500; fails early if the process exits. The one thing this bench asserts. */
async function waitUp(p: Proc, url: string, timeoutMs: number) {
  let exited: number | null | undefined;
  void p.exited.then((code) => (exited = code));
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && exited === undefined) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  throw new Error(
    `${p.name} did not start (${exited !== undefined ? `exited with ${exited}` : `no answer at ${url} within ${timeoutMs / 1000} s`}); its log ends:\n${tail(p.logFile)}`,
  );
}

// --- /proc ---------------------------------------------------------------------------------------

function processTable(): Map<number, { ppid: number; cmd: string }> {
  const table = new Map<number, { ppid: number; cmd: string }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      table.set(Number(entry), { ppid, cmd });
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

function tree(pid: number, table = processTable()): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [child, { ppid }] of table) if (ppid === out[i]) out.push(child);
  return out;
}

function ownRssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0; // exited meanwhile
  }
}

/** Resident memory of a process and its descendants (VmRSS summed), in MB. */
const rssMb = (pid: number) => tree(pid).reduce((kb, p) => kb + ownRssKb(p), 0) / 1024;

/** The `next start` process under an `npm start` (Next.js may retitle itself `next-server (…)`). */
function nextServerPid(npmPid: number): number | undefined {
  const table = processTable();
  return tree(npmPid, table).find((p) =>
    /switchyard-server|scripts\/serve\.ts|next-server|next\/dist\/bin\/next start/.test(table.get(p)?.cmd ?? ""),
  );
}

// --- measuring -----------------------------------------------------------------------------------

type Sample = { ms: number; ttft: number };
type Outcome = { samples: Sample[]; errors: number; firstError: string | null; seconds: number };
type Call = { url: string; init: RequestInit; check: (status: number, text: string) => string | null };

function chatCall(url: string, headers: Record<string, string>, model: string, stream: boolean): Call {
  const body = JSON.stringify({
    model,
    messages: [{ role: "user", content: "Say hello to the benchmark" }],
    max_tokens: 16,
    stream,
  });
  return {
    url,
    init: { method: "POST", headers: { "content-type": "application/json", ...headers }, body },
    check: stream ? checkStream : checkJson,
  };
}

function checkJson(status: number, text: string): string | null {
  if (status !== 200) return `${status} ${text.slice(0, 200)}`;
  const content = (JSON.parse(text) as { choices?: { message?: { content?: string } }[] }).choices?.[0]?.message
    ?.content;
  return content === EXPECTED_REPLY ? null : `unexpected reply ${JSON.stringify(content)}`;
}

function checkStream(status: number, text: string): string | null {
  if (status !== 200) return `${status} ${text.slice(0, 200)}`;
  let content = "";
  let done = false;
  for (const line of text.split("\n")) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data === "[DONE]") {
      done = true;
      continue;
    }
    const frame = JSON.parse(data) as { error?: { message?: string }; choices?: { delta?: { content?: string } }[] };
    if (frame.error) return `stream error: ${frame.error.message}`;
    content += frame.choices?.[0]?.delta?.content ?? "";
  }
  if (!done) return "stream ended without [DONE]";
  return content === EXPECTED_REPLY ? null : `unexpected reply ${JSON.stringify(content)}`;
}

function modelsCall(url: string, headers: Record<string, string>): Call {
  return {
    url,
    init: { headers },
    check: (status, text) =>
      status === 200 && ((JSON.parse(text) as { data?: unknown[] }).data?.length ?? 0) > 0
        ? null
        : `${status} ${text.slice(0, 200)}`,
  };
}

/** One request: total time to the end of the body, and time to the first chunk carrying reply text (first byte for models). */
async function once(call: Call): Promise<Sample> {
  const start = performance.now();
  const res = await fetch(call.url, call.init);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const isChat = call.init.method === "POST";
  let text = "";
  let ttft = -1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (ttft < 0 && (!isChat || /"content":"[^"]/.test(text))) ttft = performance.now() - start;
  }
  const ms = performance.now() - start;
  const problem = call.check(res.status, text);
  if (problem) throw new Error(problem);
  return { ms, ttft: ttft < 0 ? ms : ttft };
}

async function run(concurrency: number, total: number, call: Call): Promise<Outcome> {
  const samples: Sample[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        try {
          samples.push(await once(call));
        } catch (err) {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    }),
  );
  return { samples, errors, firstError, seconds: (performance.now() - start) / 1000 };
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

// --- the table -----------------------------------------------------------------------------------

type Mode = "stream" | "json" | "models";
type Row = { target: string; mode: Mode; concurrency: number; outcome: Outcome; rss: number };
const rows: Row[] = [];
const notes: string[] = [];
const BARE = "upstream (bare mock)";

/** Warms a target up, then measures each mode at each concurrency, reading the RSS after each row. */
async function measureTarget(target: string, calls: Partial<Record<Mode, Call>>, rssOf: () => number) {
  for (const [mode, call] of (Object.entries(calls) as [Mode, Call][]).filter(([m]) => MODES.has(m))) {
    const w = await run(8, WARMUP, call);
    if (w.errors) log(`${target} ${mode} warm-up: ${w.errors}/${WARMUP} failed, first: ${w.firstError}`);
    for (const [concurrency, total] of LEVELS) {
      const outcome = await run(concurrency, total, call);
      const row = { target, mode, concurrency, outcome, rss: rssOf() };
      rows.push(row);
      log(
        `${target.padEnd(22)} ${mode.padEnd(6)} c=${String(concurrency).padEnd(2)} ${(outcome.samples.length / outcome.seconds).toFixed(0).padStart(6)} req/s  p50 ${pct(
          outcome.samples.map((s) => s.ms),
          50,
        ).toFixed(
          2,
        )} ms${outcome.errors ? `  ${outcome.errors} errors, first: ${outcome.firstError}` : ""}  (${elapsed()})`,
      );
    }
  }
}

function printTable() {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "—");
  const header = [
    "target",
    "mode",
    "c",
    "n",
    "err",
    "req/s",
    "p50",
    "p99",
    "ttft p50",
    "ttft p99",
    "added p50",
    "added p99",
    "RSS MB",
  ];
  const lines: string[][] = [];
  for (const r of rows) {
    const ms = r.outcome.samples.map((s) => s.ms);
    const ttft = r.outcome.samples.map((s) => s.ttft);
    const bare =
      r.target === BARE
        ? undefined
        : rows.find((b) => b.target === BARE && b.mode === r.mode && b.concurrency === r.concurrency);
    const bareMs = bare?.outcome.samples.map((s) => s.ms) ?? [];
    lines.push([
      r.target,
      r.mode === "models" ? "models*" : r.mode,
      String(r.concurrency),
      String(r.outcome.samples.length),
      String(r.outcome.errors),
      (r.outcome.samples.length / r.outcome.seconds).toFixed(0),
      f(pct(ms, 50)),
      f(pct(ms, 99)),
      r.mode === "stream" ? f(pct(ttft, 50)) : "—",
      r.mode === "stream" ? f(pct(ttft, 99)) : "—",
      bare ? f(pct(ms, 50) - pct(bareMs, 50)) : "—",
      bare ? f(pct(ms, 99) - pct(bareMs, 99)) : "—",
      r.rss.toFixed(0),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log("");
  console.log(
    `gateway overhead: chat completion, 6-token reply (max_tokens 16), zero-delay mock upstream on loopback; times in ms (node ${process.version}, ${availableParallelism()} cores, client in this process)`,
  );
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  let last = "";
  for (const [i, l] of lines.entries()) {
    if (rows[i]!.target !== last && last) console.log("");
    last = rows[i]!.target;
    console.log(fmt(l));
  }
  console.log("");
  console.log(
    "stream: streamed reply; ttft = first chunk carrying reply text. json: non-streamed reply (ttft is the whole reply, not shown).",
  );
  console.log(
    "added = p50/p99 minus the bare upstream's for the same mode and concurrency (percentiles, not per-request differences).",
  );
  console.log(
    "models*: no-op row for the route layer. Switchyard has no trivial route, so this is GET /api/v1/models with the bench key",
  );
  console.log(
    "         (Next.js route + API-key auth + catalog read from the database), against the mock's GET /v1/models.",
  );
  console.log(
    "RSS MB: resident memory after that row — mock and Portkey: their node process; Switchyard: its server process (scripts/serve.ts, Next.js inside).",
  );
  for (const n of notes) console.log(n);
}

// --- Switchyard ----------------------------------------------------------------------------------

/** Starts `npm start` as users do (it builds first when the sources changed), sets it up, measures it, stops it. */
async function switchyard(
  target: string,
  mockUrl: string,
  env: Record<string, string>,
  dbUrl: () => string,
): Promise<number> {
  const port = await freePort();
  const dataDir = join(work, `${target.replace(/\W+/g, "-")}-data`);
  const p = launch(target, "npm", ["start"], {
    ...env,
    PORT: String(port),
    DATA_DIR: dataDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SWITCHYARD_RATE_LIMIT_RPM: "10000000",
  });
  const appUrl = `http://127.0.0.1:${port}`;
  log(`starting ${target}: npm start (builds first if the sources changed; log ${p.logFile})`);
  const started = performance.now();
  await waitUp(p, `${appUrl}/api/v1/models`, 600_000);
  const built = readFileSync(p.logFile, "utf8").includes("building the app");
  notes.push(
    `${target}: up in ${((performance.now() - started) / 1000).toFixed(0)} s${built ? " (including a production build: the sources had changed)" : " (production build up to date)"}.`,
  );

  // Set up through the product's own paths: a key for the admin, credits, a provider on the mock.
  const db = createDb(dbUrl(), 2);
  const admin = await db.user.findUniqueOrThrow({ where: { email: ADMIN.email } });
  const fenced = process.env.GATEWAY_BENCH_FENCED === "1";
  const key = (
    await createApiKey(db, admin.id, {
      name: "bench",
      ...(fenced ? { monthly_limit_usd: 1000, rpm: 1_000_000, tpm: 1_000_000_000 } : {}),
    })
  ).key;
  if (fenced) notes.push(`${target}: the bench key has a monthly limit, rpm and tpm (GATEWAY_BENCH_FENCED=1).`);
  await postEntry(db, { userId: admin.id, type: "GRANT", amountMicros: 1_000_000_000, reference: "bench" }); // $1,000
  await db.$disconnect();
  const auth = { Authorization: `Bearer ${key}` };
  const api = async (path: string, method: string, body?: unknown) => {
    const res = await fetch(`${appUrl}${path}`, {
      method,
      headers: { ...auth, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  for (const prov of (await api("/api/admin/providers", "GET")).data as { id: string }[])
    await api(`/api/admin/providers/${prov.id}`, "PATCH", { enabled: false });
  await api("/api/admin/providers", "POST", {
    slug: "mock",
    name: "mock",
    kind: "openai-compatible",
    base_url: `${mockUrl}/v1`,
    requires_key: false,
    region: "us",
  });
  await api("/api/admin/models", "POST", {
    provider: "mock",
    upstream_id: "mock-small",
    name: "Mock",
    power_level: "BALANCED",
    input_per_1m: 1,
    output_per_1m: 2,
    latency_ms: 100,
    quality: 8,
    context_tokens: 32768,
  });

  const nextPid = nextServerPid(p.child.pid!);
  if (!nextPid) throw new Error(`${target}: could not find the server process under npm start`);
  const launcherPid = processTable().get(nextPid)?.ppid;
  await measureTarget(
    target,
    {
      stream: chatCall(`${appUrl}/api/v1/chat/completions`, auth, "balanced", true),
      json: chatCall(`${appUrl}/api/v1/chat/completions`, auth, "balanced", false),
      models: modelsCall(`${appUrl}/api/v1/models`, auth),
    },
    () => rssMb(nextPid),
  );
  if (launcherPid)
    notes.push(
      `${target}: the launcher process (scripts/start.ts${env.DATABASE_URL ? "" : ", which holds the embedded database"}) had ${(ownRssKb(launcherPid) / 1024).toFixed(0)} MB RSS besides the Next server.`,
    );
  await stop(p);
  return ["stream", "json"].filter((m) => MODES.has(m)).length * (WARMUP + N1 + N50);
}

async function verify(target: string, url: string, chatRequests: number): Promise<void> {
  const db = createDb(url, 2);
  try {
    const v = await verifyLedger(db);
    const usage = await db.usageLog.count();
    const held = await db.reservation.count({ where: { status: "HELD" } });
    const owed = v.receivables.length ? `; ${v.receivables.length} account(s) owe money` : "";
    const verdict = v.mismatches.length
      ? `NOT CLEAN — ${v.mismatches.length} mismatch(es), first: ${v.mismatches[0]!.problem}`
      : "clean";
    console.log(
      `ledger verify ${target}: ${verdict} (${v.accounts} accounts, ${v.entries} entries${owed}); holds still HELD: ${held}; usage_logs rows: ${usage} for ${chatRequests} chat requests sent`,
    );
  } finally {
    await db.$disconnect();
  }
}

// --- main ----------------------------------------------------------------------------------------

async function main() {
  const load0 = loadavg();
  log(
    `load average at start ${load0.map((x) => x.toFixed(2)).join(" ")}; rows of ${N1} (c=1) and ${N50} (c=50) requests after ${WARMUP} warm-up per mode`,
  );

  const mockPort = await freePort();
  const mock = launch(
    "mock upstream",
    process.execPath,
    ["--import", "tsx", join(root, "tests/doubles/mock-upstream.ts")],
    { PORT: String(mockPort), MOCK_RECORD: "0" },
  );
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  await waitUp(mock, `${mockUrl}/v1/models`, 60_000);
  await measureTarget(
    BARE,
    {
      stream: chatCall(`${mockUrl}/v1/chat/completions`, {}, "mock-small", true),
      json: chatCall(`${mockUrl}/v1/chat/completions`, {}, "mock-small", false),
      models: modelsCall(`${mockUrl}/v1/models`, {}),
    },
    () => rssMb(mock.child.pid!),
  );

  if (TARGETS.has("portkey")) {
    // Portkey: offline, headless, with the fetch re-wrap its streaming needs.
    const portkeyVersion = (JSON.parse(readFileSync(join(PORTKEY_DIR, "package.json"), "utf8")) as { version: string })
      .version;
    const portkeyTarget = `portkey ${portkeyVersion}`;
    const pkPort = await freePort();
    const portkey = launch(
      "portkey",
      process.execPath,
      [
        "--require",
        join(import.meta.dirname, "portkey-fetch-preload.cjs"),
        join(PORTKEY_DIR, "build", "start-server.js"),
        "--headless",
        `--port=${pkPort}`,
      ],
      {},
    );
    const pkUrl = `http://127.0.0.1:${pkPort}`;
    await waitUp(portkey, `${pkUrl}/`, 60_000);
    const pkHeaders = {
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": `${mockUrl}/v1`,
      Authorization: "Bearer sk-bench-unused",
    };
    notes.push(
      `${portkeyTarget}: its stream splitter waits 25 ms (a setTimeout in its own code) before passing on the first event of every streamed reply, which dominates its streamed c=1 row.`,
    );
    await measureTarget(
      portkeyTarget,
      {
        stream: chatCall(`${pkUrl}/v1/chat/completions`, pkHeaders, "mock-small", true),
        json: chatCall(`${pkUrl}/v1/chat/completions`, pkHeaders, "mock-small", false),
      },
      () => rssMb(portkey.child.pid!),
    );
    await stop(portkey);
  }

  // Switchyard on the embedded database.
  const liteDir = join(work, "switchyard-pglite-data");
  const liteUrl = () => (JSON.parse(readFileSync(join(liteDir, "embedded-db.json"), "utf8")) as { url: string }).url;
  const liteSent = TARGETS.has("pglite") ? await switchyard("switchyard/pglite", mockUrl, {}, liteUrl) : 0;

  let pgUrl = "";
  let pgSent = 0;
  if (TARGETS.has("pg15")) {
    // Switchyard on a throwaway PostgreSQL 15 cluster (the test suite's).
    log("starting a throwaway PostgreSQL 15 cluster");
    cluster = await startPostgresCluster();
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    await admin.query("CREATE DATABASE switchyard_bench");
    await admin.end();
    pgUrl = cluster.adminUrl.replace(/\/postgres$/, "/switchyard_bench");
    pgSent = await switchyard("switchyard/pg15", mockUrl, { DATABASE_URL: pgUrl }, () => pgUrl);
  }
  await stop(mock);

  const load1 = loadavg();
  printTable();
  console.log(
    `load average (1/5/15 min): ${load0.map((x) => x.toFixed(2)).join(" ")} at start, ${load1.map((x) => x.toFixed(2)).join(" ")} at the end of the measurements (the bench itself keeps ~2 busy).`,
  );

  // Ledgers, with both apps stopped: the embedded database is opened again from its directory.
  if (liteSent) {
    const lite = await startEmbedded(liteDir);
    try {
      await verify("switchyard/pglite", lite.url, liteSent);
    } finally {
      await lite.stop();
    }
  }
  if (cluster) {
    try {
      await verify("switchyard/pg15", pgUrl, pgSent);
    } finally {
      await cluster.stop();
    }
  }
  console.log(`gateway bench took ${elapsed()}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
