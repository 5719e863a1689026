// GET /api/metrics through the real handlers on both databases: Prometheus text that a parser
// reads, counters that move with a burst of gateway requests exactly as the usage rows do, gauges
// read at scrape time, and who may scrape (an admin, or the metrics token; USER and FINANCE 403).
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { noteLedgerVerify } from "../../lib/metrics/collect.ts";
import { createUser } from "../../lib/users/users.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";

const TOKEN = "metrics-scrape-token-0123456789";
let f: GatewayFixture;

beforeAll(async () => {
  process.env.SWITCHYARD_METRICS_TOKEN = TOKEN;
  f = await startGatewayFixture();
  await f.addProvider("mx", { priority: 90 });
  await f.addProvider("mx-broken", { priority: 10 });
  await f.addModel("mx", "mock-small", { level: "BALANCED", input: 1, output: 2 });
  await f.addModel("mx-broken", "mock-large", { level: "PRECISION", input: 1, output: 2 });
  await f.grant(f.user.id, 5);
});
afterAll(async () => {
  delete process.env.SWITCHYARD_METRICS_TOKEN;
  await f?.close();
});

async function scrape(authorization = `Bearer ${TOKEN}`) {
  const res = await fetch(`${f.app.url}/api/metrics`, { headers: { authorization } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  const text = await res.text();
  return Object.assign(parsePrometheusTextFormat(text), { text });
}

type Families = Awaited<ReturnType<typeof scrape>>;
/** Counters and gauges through the parser; histograms by their `_count` lines (the parser drops a histogram's labels). */
const sum = (families: Families, name: string, match: Record<string, string> = {}) => {
  const family = families.find((m) => m.name === name);
  if (family?.type === "HISTOGRAM") {
    return families.text
      .split("\n")
      .filter(
        (line) =>
          line.startsWith(`${name}_count`) && Object.entries(match).every(([k, v]) => line.includes(`${k}="${v}"`)),
      )
      .reduce((total, line) => total + Number(line.split(" ").pop()), 0);
  }
  return (family?.metrics ?? [])
    .filter((s) => Object.entries(match).every(([k, v]) => s.labels?.[k] === v))
    .reduce((total, s) => total + Number(s.value ?? 0), 0);
};

describe("GET /api/metrics", () => {
  it("parses as Prometheus text, and its counters move with a burst exactly as the usage rows do", async () => {
    const before = await scrape();
    f.mock.setBehavior({ status: 500 }, { model: "mock-large" });
    const ok = Array.from({ length: 8 }, (_, i) =>
      f.asUser("/api/v1/chat/completions", {
        body: { model: "balanced", stream: i % 2 === 0, messages: [{ role: "user", content: `hello ${i}` }] },
      }),
    );
    const failing = Array.from({ length: 3 }, () =>
      f.asUser("/api/v1/chat/completions", {
        body: { model: "mx-broken/mock-large", messages: [{ role: "user", content: "fail" }] },
      }),
    );
    const results = await Promise.all([...ok, ...failing]);
    expect(results.map((r) => r.status).sort()).toEqual([...Array(8).fill(200), 502, 502, 502]);
    const after = await scrape();

    const rows = await sql<{ status: string; n: string; tokens: string; charged: string }>(
      f.url,
      `SELECT status, count(*)::text AS n, sum(prompt_tokens + completion_tokens)::text AS tokens, sum(charged_micros)::text AS charged FROM usage_logs WHERE user_id = $1 GROUP BY status`,
      [f.user.id],
    );
    const row = (status: string) => rows.find((r) => r.status === status)!;
    const delta = (name: string, match: Record<string, string> = {}) =>
      sum(after, name, match) - sum(before, name, match);
    expect(delta("switchyard_requests_total", { status: "success" })).toBe(Number(row("success").n));
    expect(delta("switchyard_requests_total", { status: "error", provider: "mx-broken" })).toBe(Number(row("error").n));
    expect(
      delta("switchyard_requests_total", { provider: "mx", model: "mx/mock-small", power_level: "BALANCED" }),
    ).toBe(8);
    expect(delta("switchyard_tokens_total")).toBe(rows.reduce((t, r) => t + Number(r.tokens), 0));
    expect(delta("switchyard_charged_micros_total")).toBe(rows.reduce((t, r) => t + Number(r.charged), 0));
    expect(delta("switchyard_request_duration_seconds")).toBe(11);
    expect(delta("switchyard_gateway_overhead_seconds")).toBe(11);
    expect(delta("switchyard_time_to_first_token_seconds", { provider: "mx" })).toBe(8);

    // Read at scrape time: nothing held once the burst settled; each provider's state and circuit.
    expect(sum(after, "switchyard_holds_outstanding")).toBe(0);
    expect(sum(after, "switchyard_holds_outstanding_micros")).toBe(0);
    // One state at a time per provider (the cards' rule; samples reach the database in batches).
    expect(sum(after, "switchyard_provider_health", { provider: "mx" })).toBe(1);
    expect(sum(after, "switchyard_provider_health", { provider: "mx-broken", state: "circuit_open" })).toBe(1);
    expect(sum(after, "switchyard_circuit_open", { provider: "mx-broken" })).toBe(1);
    f.mock.resetBehavior();
  });

  it("reports the last ledger verify", async () => {
    expect((await scrape()).find((m) => m.name === "switchyard_ledger_verify_ok")?.metrics ?? []).toHaveLength(0);
    await noteLedgerVerify(f.db, true, new Date("2026-12-01T10:00:00Z"));
    const families = await scrape();
    expect(sum(families, "switchyard_ledger_verify_ok")).toBe(1);
    expect(sum(families, "switchyard_ledger_verify_timestamp_seconds")).toBe(Date.parse("2026-12-01T10:00:00Z") / 1000);
  });

  it("answers an admin key or the scrape token; USER and FINANCE get 403, anyone else 401", async () => {
    await scrape(`Bearer ${f.adminKey}`);
    const finance = await createUser(f.db, {
      email: "metrics-finance@test.example",
      password: "finance-password",
      role: "FINANCE",
    });
    const financeKey = (await createApiKey(f.db, finance.id, { name: "fin" })).key;
    const status = async (authorization?: string) =>
      (await fetch(`${f.app.url}/api/metrics`, { headers: authorization ? { authorization } : {} })).status;
    expect(await status(`Bearer ${f.userKey}`)).toBe(403);
    expect(await status(`Bearer ${financeKey}`)).toBe(403);
    expect(await status(`Bearer ${TOKEN}x`)).toBe(401);
    expect(await status()).toBe(401);
  });
});
