// Gateway overhead: latency and time to first token through Switchyard versus calling the same
// mock upstream directly, at concurrency 1 and 50. The app runs as users run it (`npm start`,
// embedded database); the mock upstream runs in its own process so it does not share our CPU.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "../lib/db/client.ts";
import { postEntry } from "../lib/ledger/ledger.ts";
import { createApiKey } from "../lib/keys/api-keys.ts";

const root = join(import.meta.dirname, "..");
const ADMIN = { email: "bench@switchyard.local", password: "bench-password-1" };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up`);
}

type Sample = { totalMs: number; ttftMs: number };

async function once(url: string, headers: Record<string, string>, body: unknown): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const reader = res.body!.getReader();
  let ttft = -1;
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (ttft < 0 && decoder.decode(value).includes('"content":"')) ttft = performance.now() - t0;
  }
  return { totalMs: performance.now() - t0, ttftMs: ttft < 0 ? performance.now() - t0 : ttft };
}

async function run(concurrency: number, total: number, fn: () => Promise<Sample>): Promise<Sample[]> {
  const samples: Sample[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      samples.push(await fn());
    }
  }));
  return samples;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "sy-bench-"));
  const [appPort, mockPort] = [await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const cleanup = () => {
    // Each child leads its own process group: npm → tsx → launcher → next, all of it goes.
    for (const c of children) if (c.pid) try { process.kill(-c.pid, "SIGTERM"); } catch { /* already gone */ }
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.on("exit", cleanup);
  try {
    children.push(spawn(process.execPath, ["--import", "tsx", join(root, "tests/doubles/mock-upstream.ts")], { env: { ...process.env, PORT: String(mockPort), MOCK_RECORD: "0" }, stdio: "ignore", detached: true }));
    children.push(spawn("npm", ["start"], { cwd: root, env: { ...process.env, PORT: String(appPort), DATA_DIR: dataDir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, SWITCHYARD_RATE_LIMIT_RPM: "10000000" }, stdio: ["ignore", "ignore", "inherit"], detached: true }));
    const mockUrl = `http://127.0.0.1:${mockPort}`;
    const appUrl = `http://127.0.0.1:${appPort}`;
    await waitFor(`${mockUrl}/v1/models`, 30_000);
    await waitFor(`${appUrl}/login`, 600_000);

    // Set up through the product's own paths: an API key, a provider on the mock, credits.
    const { url } = JSON.parse(readFileSync(join(dataDir, "embedded-db.json"), "utf8")) as { url: string };
    const db = createDb(url, 2);
    const admin = await db.user.findUniqueOrThrow({ where: { email: ADMIN.email } });
    const key = (await createApiKey(db, admin.id, { name: "bench" })).key;
    await postEntry(db, { userId: admin.id, type: "GRANT", amountMicros: 1_000_000_000, reference: "bench" });
    await db.$disconnect();
    const auth = { Authorization: `Bearer ${key}` };
    const api = (path: string, method: string, body?: unknown) =>
      fetch(`${appUrl}${path}`, { method, headers: { ...auth, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.json());
    for (const p of (await api("/api/admin/providers", "GET")).data as { id: string }[]) await api(`/api/admin/providers/${p.id}`, "PATCH", { enabled: false });
    await api("/api/admin/providers", "POST", { slug: "mock", name: "mock", kind: "openai-compatible", base_url: `${mockUrl}/v1`, requires_key: false, region: "us" });
    await api("/api/admin/models", "POST", { provider: "mock", upstream_id: "mock-small", name: "Mock", power_level: "BALANCED", input_per_1m: 1, output_per_1m: 2, latency_ms: 100, quality: 8, context_tokens: 32768 });

    const body = { model: "mock-small", messages: [{ role: "user", content: "Say hello to the benchmark" }], stream: true };
    const direct = () => once(`${mockUrl}/v1/chat/completions`, {}, body);
    const routed = () => once(`${appUrl}/api/v1/chat/completions`, auth, { ...body, model: "balanced" });
    await run(4, 100, direct);
    await run(4, 100, routed);

    console.log("streamed chat completion, 6-token reply, mock upstream on loopback (ms)");
    console.log("concurrency  path      n     p50     p99   ttft p50  ttft p99");
    for (const [concurrency, total] of [[1, 300], [50, 2000]] as const) {
      const d = await run(concurrency, total, direct);
      const g = await run(concurrency, total, routed);
      const row = (name: string, s: Sample[]) =>
        console.log(`${String(concurrency).padStart(11)}  ${name.padEnd(8)} ${String(s.length).padStart(4)} ${pct(s.map((x) => x.totalMs), 50).toFixed(2).padStart(7)} ${pct(s.map((x) => x.totalMs), 99).toFixed(2).padStart(7)} ${pct(s.map((x) => x.ttftMs), 50).toFixed(2).padStart(9)} ${pct(s.map((x) => x.ttftMs), 99).toFixed(2).padStart(9)}`);
      row("direct", d);
      row("gateway", g);
      const added = (f: (x: Sample) => number, p: number) => (pct(g.map(f), p) - pct(d.map(f), p)).toFixed(2);
      console.log(`${" ".repeat(13)}added: latency p50 ${added((x) => x.totalMs, 50)} ms, p99 ${added((x) => x.totalMs, 99)} ms; first token p50 ${added((x) => x.ttftMs, 50)} ms, p99 ${added((x) => x.ttftMs, 99)} ms`);
    }
  } finally {
    cleanup();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
