// The admin's provider cards and detail (lib/health/summary.ts, lib/health/provider-detail.ts) on
// both databases, from samples and rollups written at known times: the 15-minute figures, the
// last hour, the 24 hourly buckets across the watermark (minutes before it from their rollup,
// after it from raw samples, never both), the detail's history, errors and last 50 requests, and
// the route's 404 and 403s.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CircuitBreakers } from "../../lib/health/circuit-breaker.ts";
import { bucketOf, BUCKETS, quantile } from "../../lib/health/histogram.ts";
import { firstHour, hourFloor } from "../../lib/health/hours.ts";
import { providerHealthDetail } from "../../lib/health/provider-detail.ts";
import { healthWatermark, minuteFloor, rollUpHealth } from "../../lib/health/rollup.ts";
import { healthSummary } from "../../lib/health/summary.ts";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { createUser } from "../../lib/users/users.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";

let f: GatewayFixture;
let id = "";
let quiet = "";
const SECRET = "sk-proj-HealthTest0123456789abcdef";
const MIN = 60_000;
// Half a minute into the current minute: the rollup's watermark (a minute rolled once it ended
// 5 s ago) is then this minute's start, and samples after it are raw.
const M = minuteFloor(Date.now()).getTime();
const now = new Date(M + 30_000);
const breakers = new CircuitBreakers();

type Sample = { at: number; ok: boolean; latency?: number; ttft?: number; status?: number; error?: string };
const ok = (at: number, latency: number, ttft: number | null = null, n = 1): Sample[] =>
  Array.from({ length: n }, () => ({ at, ok: true, latency, ttft: ttft ?? undefined, status: 200 }));
const failed = (at: number, status: number, error: string): Sample => ({ at, ok: false, status, error });

// Rolled by rollUpHealth(now): everything before this minute. Raw after it: the +20 s samples.
const SAMPLES: Sample[] = [
  ...ok(M - 61 * MIN + 10_000, 900), // 61 minutes ago: the hourly buckets, not the last hour
  ...ok(M - 20 * MIN + 10_000, 400, 100, 3), // 20 minutes ago: the last hour, not the 15 minutes
  failed(M - 20 * MIN + 10_000, 500, "old failure"),
  ...ok(M - 10 * MIN + 10_000, 80, 30, 10), // inside the 15 minutes, read from its rollup
  failed(M - 10 * MIN + 10_000, 503, `upstream said: Incorrect API key provided: ${SECRET}`),
  ...ok(M + 20_000, 250, 60, 5), // after the watermark: raw
  failed(M + 20_000, 429, "rate limited"),
];
const hist = (values: number[]) => {
  const h = new Array<number>(BUCKETS).fill(0);
  for (const v of values) h[bucketOf(v)]! += 1;
  return h;
};

async function insertSamples(providerId: string, samples: Sample[]) {
  await f.db.providerHealthSample.createMany({
    data: samples.map((s) => ({
      providerId,
      ok: s.ok,
      latencyMs: s.ok ? s.latency! : null,
      ttftMs: s.ttft ?? null,
      statusCode: s.status ?? null,
      error: s.error ?? null,
      createdAt: new Date(s.at),
    })),
  });
}

beforeAll(async () => {
  f = await startGatewayFixture();
  id = (await f.addProvider("ph", { priority: 90 })).id;
  quiet = (await f.addProvider("ph-quiet", { priority: 10 })).id;
  await f.addModel("ph", "mock-small", { level: "BALANCED" });
  const off = await f.addModel("ph", "mock-large", { level: "PRECISION" });
  await f.asAdmin(`/api/admin/models/${off.id}`, { method: "PATCH", body: { enabled: false } });
  await insertSamples(id, SAMPLES);
  // Older minutes, as earlier runs of the maintenance runner left them (their raw samples pruned).
  const minute = (at: number, requests: number, okCount: number, latency: number[]) => ({
    providerId: id,
    minute: new Date(at),
    requests,
    ok: okCount,
    latencyHist: hist(latency),
    ttftHist: hist([]),
  });
  const first = firstHour(now).getTime();
  await f.db.providerHealthMinute.createMany({
    data: [
      minute(M - 5 * 60 * MIN, 40, 30, Array(30).fill(1200)),
      minute(first, 2, 2, [40, 40]), // the oldest hour shown
      minute(first - MIN, 7, 0, []), // one minute before it: not shown
    ],
  });
  await rollUpHealth(f.db, now);
  // 55 requests it served, newest last; one failed.
  await f.db.usageLog.createMany({
    data: Array.from({ length: 55 }, (_, i) => ({
      id: `ph-req-${String(i).padStart(2, "0")}`,
      userId: f.user.id,
      providerId: id,
      providerSlug: "ph",
      modelName: "ph/mock-small",
      powerLevel: "BALANCED" as const,
      taskType: "chat",
      promptTokens: 10 + i,
      completionTokens: 5,
      chargedMicros: BigInt(1023 + i),
      latencyMs: 300,
      ttftMs: 90,
      status: i === 54 ? "error" : "success",
      errorMessage: i === 54 ? `boom ${SECRET}` : null,
      createdAt: new Date(M - 55 * MIN + i * MIN),
    })),
  });
});
afterAll(() => f?.close());

const card = async (providerId = id) =>
  (await healthSummary(f.db, breakers, { now })).find((c) => c.provider_id === providerId)!;

describe("a provider card", () => {
  it("has the last 15 minutes from rollups before the watermark and raw samples after it, with histogram percentiles", async () => {
    expect((await healthWatermark(f.db)).getTime()).toBe(M);
    const c = await card();
    // 11 calls 10 minutes ago (rolled up) + 6 after the watermark (raw); not the 20-minute-old ones.
    expect(c.samples).toBe(17);
    expect(c.success_rate).toBeCloseTo(15 / 17, 10);
    expect(c.state).toBe("degraded");
    const latencies = [...Array(10).fill(80), ...Array(5).fill(250)];
    expect(c.latency_p50_ms).toBe(quantile(hist(latencies), 0.5));
    expect(c.latency_p95_ms).toBe(quantile(hist(latencies), 0.95));
    expect(c.ttft_p50_ms).toBe(quantile(hist([...Array(10).fill(30), ...Array(5).fill(60)]), 0.5));
    expect(c.ttft_p95_ms).toBe(quantile(hist([...Array(10).fill(30), ...Array(5).fill(60)]), 0.95));
    // Histogram percentiles are within their bucket: 80 ms lies in (50, 100].
    expect(c.latency_p50_ms).toBeGreaterThan(50);
    expect(c.latency_p50_ms).toBeLessThanOrEqual(100);
    expect(c.requests_last_hour).toBe(4 + 11 + 6);
    expect(c.models_served).toBe(1);
    // The latest failure, scrubbed, and the latest call.
    expect(c.last_error).toBe("rate limited");
    expect(c.last_error_at).toBe(new Date(M + 20_000).toISOString());
    expect(c.checked_at).toBe(new Date(M + 20_000).toISOString());
  });

  it("counts every call once in 24 hourly buckets, oldest first, zeros for empty hours", async () => {
    const c = await card();
    expect(c.hourly).toHaveLength(24);
    expect(c.hourly[0]!.hour).toBe(firstHour(now).toISOString());
    expect(c.hourly[23]!.hour).toBe(new Date(hourFloor(now.getTime())).toISOString());
    const expected = new Map<string, { requests: number; ok: number }>();
    const add = (at: number, requests: number, okCount: number) => {
      const key = new Date(hourFloor(at)).toISOString();
      const e = expected.get(key) ?? { requests: 0, ok: 0 };
      expected.set(key, { requests: e.requests + requests, ok: e.ok + okCount });
    };
    for (const s of SAMPLES) add(s.at, 1, s.ok ? 1 : 0);
    add(M - 5 * 60 * MIN, 40, 30);
    add(firstHour(now).getTime(), 2, 2);
    for (const h of c.hourly) expect({ hour: h.hour, ...(expected.get(h.hour) ?? { requests: 0, ok: 0 }) }).toEqual(h);
    expect(c.hourly.reduce((n, h) => n + h.requests, 0)).toBe(SAMPLES.length + 40 + 2);
    // The rolled samples are still in the raw table (kept 2 h): still counted once.
    const [raw] = await f.db.$queryRaw<
      { n: bigint }[]
    >`SELECT count(*) AS n FROM provider_health_samples WHERE provider_id = ${id} AND created_at < ${new Date(M)}`;
    expect(Number(raw!.n)).toBe(SAMPLES.length - 6);
  });

  it("reads a minute before the watermark from its rollup and a sample after it from raw", async () => {
    const before = await card();
    // The rollup row is what counts before the watermark: change it and the card follows ...
    await f.db
      .$executeRaw`UPDATE provider_health_minutes SET requests = requests + 100, ok = ok + 100 WHERE provider_id = ${id} AND minute = ${new Date(M - 10 * MIN)}`;
    // ... and a raw sample arriving late for a rolled minute waits for the next re-roll.
    await insertSamples(id, [...ok(M - 10 * MIN + 40_000, 80), ...ok(M + 25_000, 80)]);
    const after = await card();
    expect(after.samples).toBe(before.samples + 100 + 1);
    expect(after.requests_last_hour).toBe(before.requests_last_hour + 100 + 1);
    expect(after.hourly.reduce((n, h) => n + h.requests, 0)).toBe(
      before.hourly.reduce((n, h) => n + h.requests, 0) + 101,
    );
    // The next roll recounts the minute from raw samples, the late one included.
    await rollUpHealth(f.db, now);
    expect((await card()).samples).toBe(before.samples + 2);
  });

  it("states the rule's other states: circuit open, no traffic with a passing check, disabled", async () => {
    const open = (await healthSummary(f.db, { state: (p) => (p === id ? "open" : "closed") }, { now })).find(
      (c) => c.provider_id === id,
    )!;
    expect(open.state).toBe("circuit_open");
    const q = await card(quiet);
    expect(q).toMatchObject({
      state: "unknown",
      samples: 0,
      success_rate: null,
      latency_p50_ms: null,
      ttft_p50_ms: null,
      last_error: null,
      requests_last_hour: 0,
      models_served: 0,
    });
    expect(q.hourly.every((h) => h.requests === 0 && h.ok === 0)).toBe(true);
    await f.db.providerCheck.create({
      data: { providerId: quiet, checkedAt: now, outcome: "ok", status: 200, latencyMs: 12 },
    });
    expect((await card(quiet)).state).toBe("healthy");
    await f.db.providerCheck.update({
      where: { providerId: quiet },
      data: { outcome: "failed", status: 503, error: `down ${SECRET}` },
    });
    const down = await card(quiet);
    expect(down.state).toBe("down");
    expect(down.last_check?.error).not.toContain(SECRET);
    await f.db.provider.update({ where: { id: quiet }, data: { enabled: false } });
    expect((await card(quiet)).state).toBe("disabled");
  });
});

describe("a provider's detail", () => {
  it("has its 24 h history, its recent failures scrubbed, and the last 50 requests it served", async () => {
    const d = await providerHealthDetail(f.db, breakers, { id }, now);
    expect(d.provider).toBe("ph");
    expect(d.history).toHaveLength(24);
    const five = d.history.find((h) => h.hour === new Date(hourFloor(M - 5 * 60 * MIN)).toISOString())!;
    expect(five).toMatchObject({ requests: 40, success_rate: 0.75, ttft_p50_ms: null });
    expect(five.latency_p50_ms).toBe(quantile(hist(Array(30).fill(1200)), 0.5));
    expect(d.history[0]).toMatchObject({ requests: 2, success_rate: 1 });
    const current = d.history[23]!;
    // The current hour: rolled minutes and raw ones after the watermark (incl. the two added above).
    const inHour = [...SAMPLES.map((s) => s.at), M - 10 * MIN + 40_000, M + 25_000].filter(
      (at) => hourFloor(at) === hourFloor(M),
    );
    expect(current.requests).toBe(inHour.length);
    expect(
      d.history.filter((h) => h.requests === 0).every((h) => h.success_rate === null && h.latency_p50_ms === null),
    ).toBe(true);

    expect(d.recent_errors.map((e) => e.status)).toEqual([429, 503, 500]);
    expect(d.recent_errors[0]).toMatchObject({ at: new Date(M + 20_000).toISOString(), error: "rate limited" });
    expect(JSON.stringify(d)).not.toContain(SECRET);

    expect(d.requests).toHaveLength(50);
    expect(d.requests[0]).toMatchObject({
      request_id: "ph-req-54",
      status: "error",
      model: "ph/mock-small",
      power_level: "BALANCED",
      charged_usd: "0.001077",
      prompt_tokens: 64,
      completion_tokens: 5,
      latency_ms: 300,
      ttft_ms: 90,
    });
    expect(d.requests[0]!.error).toContain("[redacted]");
    expect(d.requests.at(-1)!.request_id).toBe("ph-req-05");
  });

  it("is served to admins only, with 404 in the error shape for an unknown provider", async () => {
    const res = await f.asAdmin(`/api/admin/health/${id}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ provider_id: id, provider: "ph", models_served: 1 });
    expect(res.json.history).toHaveLength(24);
    expect(res.json.hourly).toHaveLength(24);
    for (const path of [`/api/admin/health/${randomUUID()}`, `/api/admin/health/${"x".repeat(300)}`]) {
      const missing = await f.asAdmin(path);
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({ error: { code: "not_found", message: "No provider with this id", param: null } });
    }
    const finance = await createUser(f.db, {
      email: `finance-${randomUUID().slice(0, 8)}@test.example`,
      password: "finance-password",
      role: "FINANCE",
    });
    const asFinance = f.callAs((await createApiKey(f.db, finance.id, { name: "finance" })).key);
    for (const caller of [f.asUser, asFinance]) {
      for (const path of ["/api/admin/health", `/api/admin/health/${id}`])
        expect((await caller(path)).status).toBe(403);
    }
  });
});
