// Active health checks through the real code on both databases: a provider's model list (never a
// completion), with its platform key; "unconfigured" without one (nothing called); routing skips
// a provider whose last check failed; and on PostgreSQL one checker across two app processes,
// taken over within two intervals after a kill -9 of the holder.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { masterKeyRing } from "../../lib/crypto/master-key.ts";
import { runDueChecks } from "../../lib/health/active-checks.ts";
import { gateway } from "../../lib/gateway/context.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { spawnAppProcess, type AppProcess } from "../helpers/app-process.ts";
import { dbKind, sql } from "../setup/test-db.ts";

let f: GatewayFixture;
const ids = { good: "", keyless: "", nokey: "", refused: "" };

beforeAll(async () => {
  f = await startGatewayFixture();
  ids.good = (await f.addProvider("good", { priority: 90 })).id;
  ids.keyless = (await f.addProvider("keyless", { priority: 10, isLocal: true, withKey: false })).id;
  await f.db.provider.update({ where: { id: ids.keyless }, data: { requiresKey: false } });
  ids.nokey = (await f.addProvider("nokey", { priority: 10, withKey: false })).id;
  // A platform key the mock refuses.
  ids.refused = (await f.addProvider("refused", { priority: 95 })).id;
  const r = await f.asAdmin(`/api/admin/providers/${ids.refused}`, {
    method: "PATCH",
    body: { api_key: "sk-wrong-platform-key-123456" },
  });
  expect(r.status).toBe(200);
  await f.addModel("good", "mock-small", { level: "BALANCED", quality: 7 });
  await f.addModel("refused", "mock-large", { level: "BALANCED", quality: 9 });
  await f.grant(f.user.id, 5);
});
afterAll(() => f?.close());

const modelListCalls = (path = "/v1/models") => f.mock.requests.filter((r) => r.method === "GET" && r.path === path);
const completions = () => f.mock.requests.filter((r) => r.path.endsWith("/chat/completions"));
const check = async (id: string) =>
  (
    await sql<{ outcome: string; status: number | null; error: string | null }>(
      f.url,
      "SELECT outcome, status, error FROM provider_checks WHERE provider_id = $1",
      [id],
    )
  )[0];

describe("an active check", () => {
  it("asks each provider's model list with its platform key, never a completion; no key means unconfigured, not down", async () => {
    f.mock.clearRequests();
    const checked = await runDueChecks(f.db, () => masterKeyRing());
    expect(checked).toBeGreaterThanOrEqual(4);
    expect(completions()).toHaveLength(0);
    const calls = modelListCalls();
    // good (accepted key), refused (wrong key), keyless (no header): three calls; nokey: none.
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => c.headers.authorization ?? "(none)").sort()).toEqual(
      ["(none)", "Bearer sk-wrong-platform-key-123456", "Bearer upstream-secret"].sort(),
    );
    expect(await check(ids.good)).toMatchObject({ outcome: "ok", status: 200 });
    // A keyless provider is asked without a key (this mock wants one, so it says 401).
    expect(await check(ids.keyless)).toMatchObject({ outcome: "failed", status: 401 });
    expect(await check(ids.nokey)).toMatchObject({ outcome: "unconfigured", status: null });
    const refused = await check(ids.refused);
    expect(refused).toMatchObject({ outcome: "failed", status: 401 });
    expect(refused!.error).not.toContain("sk-wrong-platform-key-123456");
    // The admin's cards say it: one state rule, with the last check's result.
    const cards = (await f.asAdmin("/api/admin/health")).json;
    const card = (slug: string) => (cards.data ?? cards).find((c: { provider: string }) => c.provider === slug);
    expect(card("good")).toMatchObject({ state: "healthy", last_check: { outcome: "ok", status: 200 } });
    expect(card("nokey")).toMatchObject({ state: "unconfigured", last_check: { outcome: "unconfigured" } });
    expect(card("refused")).toMatchObject({ state: "down", last_check: { outcome: "failed", status: 401 } });
    expect(JSON.stringify(cards)).not.toContain("sk-wrong-platform-key-123456");
    // The interval is the provider's own (null turns the checks off), set through the admin API.
    const off = await f.asAdmin(`/api/admin/providers/${ids.keyless}`, {
      method: "PATCH",
      body: { check_interval_s: null },
    });
    expect(off.json).toMatchObject({ check_interval_s: null });
    expect(
      (await f.asAdmin(`/api/admin/providers/${ids.keyless}`, { method: "PATCH", body: { check_interval_s: 5 } }))
        .status,
    ).toBe(400);
    // Not due again until its interval has passed.
    f.mock.clearRequests();
    expect(await runDueChecks(f.db, () => masterKeyRing())).toBe(0);
    expect(modelListCalls()).toHaveLength(0);
  });

  it("routing skips a provider whose last check failed, without trying it, until a check passes", async () => {
    gateway().circuits?.invalidate();
    f.mock.clearRequests();
    const res = await f.asUser("/api/v1/chat/completions", {
      body: { model: "balanced", messages: [{ role: "user", content: "hi" }] },
    });
    expect(res.status).toBe(200);
    expect(res.json.model).toBe("good/mock-small");
    expect(res.headers.get("x-fallback-count")).toBe("0");
    expect(completions().map((c) => c.model)).toEqual(["mock-small"]);
    // Users see it too: the model list says the provider is down.
    const listed = (await f.asUser("/api/v1/models")).json.data;
    const stateOf = (id: string) => listed.find((m: { id: string }) => m.id === id)?.switchyard.provider_state;
    expect([stateOf("refused/mock-large"), stateOf("good/mock-small")]).toEqual(["down", "up"]);
    const route = await f.asUser("/api/v1/route", {
      body: { model: "balanced", messages: [{ role: "user", content: "hi" }] },
    });
    expect(route.json.excluded.find((e: { model: string }) => e.model === "refused/mock-large").reason).toContain(
      "unhealthy",
    );
    // The admin fixes the key: the old check no longer counts, and the provider serves again.
    await f.asAdmin(`/api/admin/providers/${ids.refused}`, { method: "PATCH", body: { api_key: "upstream-secret" } });
    const after = await f.asUser("/api/v1/chat/completions", {
      body: { model: "balanced", messages: [{ role: "user", content: "hi" }] },
    });
    expect(after.json.model).toBe("refused/mock-large");
  });
});

describe.runIf(dbKind() === "postgres")("one checker per cluster", () => {
  const apps: AppProcess[] = [];
  const INTERVAL_MS = 600;
  afterAll(() => Promise.all(apps.map((a) => a.kill("SIGKILL"))));

  it("two processes check once per interval between them; a kill -9 of the holder is taken over within two intervals", async () => {
    await f.db.providerCheck.deleteMany({});
    const env = f.appEnv({ SERVE_APP_HEALTH: "1", SWITCHYARD_HEALTH_CHECK_INTERVAL_MS: String(INTERVAL_MS) });
    apps.push(...(await Promise.all([spawnAppProcess(env), spawnAppProcess(env)])));
    await new Promise((r) => setTimeout(r, 1_000));
    f.mock.clearRequests();
    const window = 3_000;
    await new Promise((r) => setTimeout(r, window));
    // Rounds of one call per checkable provider, about one round per interval (5 in 3 s), not one
    // per process per interval.
    const [{ n }] = (await sql<{ n: string }>(
      f.url,
      `SELECT count(*)::text AS n FROM providers WHERE enabled AND kind <> 'simulated' AND check_interval_s IS NOT NULL AND (api_key_ciphertext IS NOT NULL OR NOT requires_key)`,
    )) as [{ n: string }];
    const perProvider = modelListCalls().length / Number(n);
    expect(perProvider).toBeGreaterThanOrEqual(3);
    expect(perProvider).toBeLessThanOrEqual(window / INTERVAL_MS + 1.5);
    expect(completions()).toHaveLength(0);

    const [lease] = await sql<{ holder: string }>(
      f.url,
      "SELECT holder FROM cluster_leases WHERE name = 'health-checker'",
    );
    const holderPid = Number(lease!.holder.split("-").pop());
    const holder = apps.find((a) => a.pid === holderPid)!;
    expect(holder).toBeDefined();
    await holder.kill("SIGKILL");
    const killedAt = Date.now();
    f.mock.clearRequests();
    await f.mock.waitFor((r) => r.method === "GET" && r.path === "/v1/models", 2 * INTERVAL_MS + 1_000);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(2 * INTERVAL_MS + 1_000);
    const [after] = await sql<{ holder: string }>(
      f.url,
      "SELECT holder FROM cluster_leases WHERE name = 'health-checker'",
    );
    expect(after!.holder).not.toBe(lease!.holder);
  });
});
