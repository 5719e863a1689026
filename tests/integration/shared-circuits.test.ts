// Circuit state shared by the cluster's app processes (lib/health/shared-circuits.ts), through
// real app processes on both databases: one process's breaker opening is honoured by another
// within a second or two; after the cooldown exactly one request in the cluster is the half-open
// trial, and its success closes the circuit for all. A failed active check opens it too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SharedCircuits } from "../../lib/health/shared-circuits.ts";
import { markDegraded } from "../../lib/health/degraded.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { spawnAppProcess, type AppProcess } from "../helpers/app-process.ts";
import { sql } from "../setup/test-db.ts";
import { waitUntil } from "../helpers/wait.ts";

// Long enough that the "honoured" phase ends well inside it on a loaded machine.
const COOLDOWN_MS = 6_000;
let f: GatewayFixture;
const ids = { flaky: "", steady: "" };
const apps: AppProcess[] = [];

beforeAll(async () => {
  f = await startGatewayFixture();
  ids.flaky = (await f.addProvider("flaky", { priority: 90 })).id;
  ids.steady = (await f.addProvider("steady", { priority: 10 })).id;
  await f.addModel("flaky", "mock-flaky", { level: "BALANCED", quality: 9 });
  // Far dearer, slower and weaker: flaky stays first even after its failures cost it rank, so
  // only its circuit keeps requests away from it.
  await f.addModel("steady", "mock-steady", {
    level: "BALANCED",
    quality: 3,
    input: 50,
    output: 100,
    latencyMs: 3_000,
  });
  await f.grant(f.user.id, 5);
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.kill("SIGKILL")));
  await f?.close();
});

const flakyCalls = () =>
  f.mock.requests.filter((r) => r.path.endsWith("/chat/completions") && r.model === "mock-flaky");
const circuit = async () =>
  (
    await sql<{ open: boolean; reason: string | null; trial: boolean }>(
      f.url,
      "SELECT opened_at IS NOT NULL AS open, reason, trial_started_at IS NOT NULL AS trial FROM provider_circuits WHERE provider_id = $1",
      [ids.flaky],
    )
  )[0];

async function ask(
  app: AppProcess,
): Promise<{ status: number; model: string; fallbacks: string | null; reason: string | null; id: string | null }> {
  const res = await fetch(`${app.url}/api/v1/chat/completions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${f.userKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "balanced", messages: [{ role: "user", content: "hi" }] }),
  });
  const json = (await res.json()) as { model?: string };
  return {
    status: res.status,
    model: json.model ?? "",
    fallbacks: res.headers.get("x-fallback-count"),
    reason: res.headers.get("x-routing-reason"),
    id: res.headers.get("x-request-id"),
  };
}

describe("a circuit opened in one process", () => {
  it("is honoured by another within two seconds; after the cooldown one request in the cluster is the trial, and its success closes it for all", async () => {
    const env = f.appEnv({ SWITCHYARD_CIRCUIT_COOLDOWN_MS: String(COOLDOWN_MS) });
    const [a, b] = await Promise.all([spawnAppProcess(env), spawnAppProcess(env)]);
    apps.push(a!, b!);

    // flaky fails: A's breaker opens after three failures (each request falls back to steady).
    f.mock.setBehavior({ status: 500 }, { model: "mock-flaky" });
    for (let i = 0; i < 3; i++)
      expect(await ask(a!)).toMatchObject({ status: 200, model: "steady/mock-steady", fallbacks: "1" });
    await waitUntil("the shared circuit to open", async () => (await circuit())?.open === true, 5_000);
    const openedAt = Date.now();
    expect(await circuit()).toMatchObject({ open: true, reason: "traffic", trial: false });

    // B never saw flaky fail, yet within its snapshot's second it stops sending it anything.
    await new Promise((r) => setTimeout(r, 1_100));
    f.mock.clearRequests();
    for (let i = 0; i < 3; i++)
      expect(await ask(b!)).toMatchObject({ status: 200, model: "steady/mock-steady", fallbacks: "0" });
    expect(flakyCalls()).toHaveLength(0);
    // A third process (this one, which served no traffic) shows the admin the open circuit.
    const cards = (await f.asAdmin("/api/admin/health")).json.data as { provider: string; state: string }[];
    expect(cards.find((c) => c.provider === "flaky")?.state).toBe("circuit_open");
    // The caller is told their usual first choice was skipped, and why — in the header and in the
    // routing receipt the chat shows under the reply.
    const told = await ask(b!);
    expect(told.reason).toContain("flaky/mock-flaky skipped: flaky is failing (circuit open)");
    const receipt = (await f.asUser(`/api/usage/requests/${told.id}`)).json.receipt;
    expect(receipt.skipped_primary).toEqual({ model: "flaky/mock-flaky", provider: "flaky", state: "circuit_open" });

    // flaky recovers, slowly enough that the trial is still running while others arrive.
    f.mock.resetBehavior();
    f.mock.setBehavior({ chunkDelayMs: 150 }, { model: "mock-flaky" });
    await new Promise((r) => setTimeout(r, Math.max(0, openedAt + COOLDOWN_MS + 200 - Date.now())));
    f.mock.clearRequests();
    const burst = await Promise.all([a, b, a, b, a, b].map((app) => ask(app!)));
    expect(burst.every((r) => r.status === 200)).toBe(true);
    // One trial between the two processes; everyone else was served by steady without trying flaky.
    expect(flakyCalls()).toHaveLength(1);
    expect(burst.filter((r) => r.model === "flaky/mock-flaky")).toHaveLength(1);
    await waitUntil("the trial's success to close the circuit", async () => (await circuit())?.open === false, 5_000);

    // Both processes send it traffic again once their snapshot refreshes.
    await new Promise((r) => setTimeout(r, 1_100));
    f.mock.resetBehavior();
    expect((await ask(a!)).model).toBe("flaky/mock-flaky");
    expect((await ask(b!)).model).toBe("flaky/mock-flaky");
  });
});

describe("SharedCircuits", () => {
  it("a failed trial cools down afresh; a circuit a check opened is closed only by a check or a success", async () => {
    const c = new SharedCircuits(f.db, 300);
    await c.close(ids.steady);
    await c.open(ids.steady, "check", "HTTP 503");
    let s = await c.snapshot();
    expect(s.skip.has(ids.steady)).toBe(true);
    expect(s.checkDown.has(ids.steady)).toBe(true);
    await new Promise((r) => setTimeout(r, 350));
    c.invalidate();
    s = await c.snapshot();
    expect(s.trial.has(ids.steady)).toBe(true);
    expect(await c.claimTrial(ids.steady)).toBe(true);
    expect(await c.claimTrial(ids.steady)).toBe(false); // one trial per cooldown
    expect((await c.snapshot()).skip.has(ids.steady)).toBe(true);
    await c.open(ids.steady, "traffic", "trial failed"); // the trial failed: cooling again
    s = await c.snapshot();
    expect(s.skip.has(ids.steady)).toBe(true);
    expect(await c.claimTrial(ids.steady)).toBe(false);
    // Opened by traffic now: a passing check does not close it; a success does.
    await c.close(ids.steady, "check");
    expect((await c.snapshot()).skip.has(ids.steady)).toBe(true);
    await c.close(ids.steady);
    s = await c.snapshot();
    expect(s.skip.has(ids.steady) || s.trial.has(ids.steady)).toBe(false);
  });

  it("marks a provider degraded from the cluster's samples of the last 15 minutes, and clears it when they recover", async () => {
    const c = new SharedCircuits(f.db);
    await sql(f.url, "DELETE FROM provider_health_samples");
    const insert = (provider: string, ok: boolean, n: number, agoMs = 60_000) =>
      sql(
        f.url,
        `INSERT INTO provider_health_samples (provider_id, ok, latency_ms, created_at) SELECT $1, $2, 100, (now() at time zone 'UTC') - $3::int8 * interval '1 millisecond' FROM generate_series(1, $4)`,
        [provider, ok, agoMs, n],
      );
    await insert(ids.flaky, true, 90);
    await insert(ids.flaky, false, 10); // 90 %: degraded
    await insert(ids.steady, true, 100);
    await insert(ids.steady, false, 50, 20 * 60_000); // failures older than the window do not count
    expect(await markDegraded(f.db)).toEqual([ids.flaky]);
    c.invalidate();
    expect([...(await c.snapshot()).degraded]).toEqual([ids.flaky]);
    await insert(ids.flaky, true, 200); // 290 / 300 > 95 %
    expect(await markDegraded(f.db)).toEqual([]);
    c.invalidate();
    expect((await c.snapshot()).degraded.size).toBe(0);
  });
});
