// GET /api/admin/requests and /api/admin/requests/:id as the admin's request log uses them: each
// filter narrows to exactly the rows it names, the cursor walks every row once in order (ties on
// created_at included), bad filters are a 400 naming the field, and one request opens with its
// routing receipt and attempts.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { settle } from "../../lib/ledger/ledger.ts";
import { usageValues, type UsageRecord } from "../../lib/gateway/usage-log.ts";
import { createUser } from "../../lib/users/users.ts";
import type { AdminRequestPage, AdminRequestRow } from "../../lib/usage/admin-requests-query.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { writeUsage } from "../helpers/usage-row.ts";
import { sql } from "../setup/test-db.ts";

let f: GatewayFixture;
const run = randomUUID().slice(0, 6);
// Every seeded row lives in these days, so the walks below see only them.
const WINDOW = { from: "2025-03-01", to: "2025-03-05" };

type Seed = {
  id: string;
  at: string;
  user: "alice" | "bob";
  key: "k1" | "k2" | null;
  provider: string | null;
  model: string | null;
  level: "ECO" | "BALANCED" | "PRECISION" | null;
  status: "success" | "error" | "cancelled";
  charged: number;
};

const users: Record<"alice" | "bob", { id: string; email: string }> = {} as never;
const keys: Record<"k1" | "k2", { id: string; prefix: string; name: string }> = {} as never;
const seeds: Seed[] = [];

function usage(s: Seed): UsageRecord {
  return {
    id: s.id,
    userId: users[s.user].id,
    apiKeyId: s.key ? keys[s.key].id : null,
    providerId: null,
    modelId: null,
    providerSlug: s.provider,
    modelName: s.model,
    powerLevel: s.level,
    taskType: "chat",
    promptTokens: 100,
    completionTokens: 20,
    chargedMicros: s.charged,
    providerCostMicros: s.charged,
    precisionCostMicros: null,
    latencyMs: 120,
    ttftMs: 40,
    status: s.status,
    errorMessage: s.status === "error" ? "upstream 500" : null,
    fallbackCount: s.status === "error" ? 1 : 0,
    byok: false,
    stream: false,
    attempts: [],
    createdAt: new Date(s.at),
  };
}

async function seed(s: Seed) {
  seeds.push(s);
  if (s.charged) {
    // Charged as the gateway charges (ledger entry and usage row in one statement), then moved in time.
    await settle(f.db, users[s.user].id, s.id, s.charged, `request ${s.id}`, usageValues(usage(s)));
    await sql(f.url, "UPDATE usage_logs SET created_at = $2::timestamptz AT TIME ZONE 'UTC' WHERE id = $1", [
      s.id,
      s.at,
    ]);
    await sql(
      f.url,
      "UPDATE ledger_entries SET created_at = $2::timestamptz AT TIME ZONE 'UTC' WHERE idempotency_key = $1",
      [`charge:${s.id}`, s.at],
    );
  } else {
    await writeUsage(f.db, usage(s));
  }
}

const list = async (query: Record<string, string | number> = {}) => {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  const res = await f.asAdmin(`/api/admin/requests?${qs}`);
  expect(res.status, res.text).toBe(200);
  return res.json as AdminRequestPage;
};

async function walk(query: Record<string, string | number>): Promise<AdminRequestRow[]> {
  const seen: AdminRequestRow[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const res: AdminRequestPage = await list({ ...query, ...(cursor ? { cursor } : {}) });
    expect(res.data.length).toBeLessThanOrEqual(Number(query.limit ?? 50));
    seen.push(...res.data);
    cursor = res.next_cursor;
    if (!cursor) return seen;
  }
  throw new Error("the cursor never ended");
}

/** Seeded ids matching `pick`, newest first as the log orders them (created_at, then id, descending). */
const expected = (pick: (s: Seed) => boolean) =>
  seeds
    .filter(pick)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((s) => s.id);

beforeAll(async () => {
  f = await startGatewayFixture();
  for (const name of ["alice", "bob"] as const) {
    const u = await createUser(f.db, {
      email: `${name === "alice" ? "Alice.Req" : "bob.req"}@${run}.requests.test`,
      password: "requests-password",
    });
    users[name] = { id: u.id, email: u.email };
    await f.grant(u.id, 100);
  }
  for (const name of ["k1", "k2"] as const) {
    const k = await createApiKey(f.db, users.alice.id, { name: `alice ${name}` });
    keys[name] = { id: k.id, prefix: k.prefix, name: k.name };
  }
  const levels = ["ECO", "BALANCED", "PRECISION"] as const;
  const statuses = ["success", "success", "error", "success", "cancelled"] as const;
  for (let i = 0; i < 24; i++) {
    const provider = i % 3 === 0 ? "rq-alpha" : "rq-beta";
    await seed({
      id: `rq-${run}-${String(i).padStart(2, "0")}`,
      at: new Date(Date.UTC(2025, 2, 1 + (i % 4), 10, i)).toISOString(),
      user: i % 4 === 3 ? "bob" : "alice",
      key: i % 4 === 3 ? null : i % 2 ? "k1" : "k2",
      provider,
      model: `${provider}/m${i % 2}`,
      level: levels[i % 3]!,
      status: statuses[i % 5]!,
      charged: statuses[i % 5] === "success" ? 1000 + i : 0,
    });
  }
  // A request that failed before any model was chosen.
  await seed({
    id: `rq-${run}-none`,
    at: "2025-03-04T23:59:59.999Z",
    user: "bob",
    key: null,
    provider: null,
    model: null,
    level: null,
    status: "error",
    charged: 0,
  });
}, 120_000);
afterAll(() => f?.close());

describe("filters", () => {
  it("without filters lists every request newest first, with what an admin scans", async () => {
    const page = await list({ ...WINDOW, limit: 200 });
    expect(page.data.map((r) => r.id)).toEqual(expected(() => true));
    expect(page.next_cursor).toBeNull();
    const row = page.data.find((r) => r.id === `rq-${run}-01`)!;
    expect(row).toEqual({
      id: `rq-${run}-01`,
      created_at: "2025-03-02T10:01:00.000Z",
      user_id: users.alice.id,
      user_email: users.alice.email,
      api_key_id: keys.k1.id,
      key_prefix: keys.k1.prefix,
      key_name: "alice k1",
      provider: "rq-beta",
      model: "rq-beta/m1",
      power_level: "BALANCED",
      task_type: "chat",
      status: "success",
      latency_ms: 120,
      ttft_ms: 40,
      prompt_tokens: 100,
      completion_tokens: 20,
      charged_usd: 0.001001,
      fallback_count: 0,
      byok: false,
      stream: false,
    });
  });

  it("each filter narrows to exactly its rows", async () => {
    const cases: [Record<string, string>, (s: Seed) => boolean][] = [
      [{ user: users.bob.id }, (s) => s.user === "bob"],
      [{ user: users.alice.email.toUpperCase() }, (s) => s.user === "alice"],
      [{ key: keys.k1.id }, (s) => s.key === "k1"],
      [{ key: keys.k2.prefix }, (s) => s.key === "k2"],
      [{ provider: "rq-alpha" }, (s) => s.provider === "rq-alpha"],
      [{ model: "rq-beta/m1" }, (s) => s.model === "rq-beta/m1"],
      [{ power_level: "precision" }, (s) => s.level === "PRECISION"],
      [{ status: "error" }, (s) => s.status === "error"],
      [{ status: "cancelled" }, (s) => s.status === "cancelled"],
      [{ from: "2025-03-02", to: "2025-03-03" }, (s) => s.at >= "2025-03-02" && s.at < "2025-03-04"],
      [
        { from: "2025-03-02T10:05:00Z", to: "2025-03-03T10:10:00.000Z" },
        (s) => s.at >= "2025-03-02T10:05:00.000Z" && s.at < "2025-03-03T10:10:00.000Z",
      ],
      [
        { user: users.alice.id, status: "success", provider: "rq-beta" },
        (s) => s.user === "alice" && s.status === "success" && s.provider === "rq-beta",
      ],
    ];
    for (const [query, pick] of cases) {
      const want = expected(pick);
      expect(want.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(
        (await list({ ...WINDOW, ...query, limit: 200 })).data.map((r) => r.id),
        JSON.stringify(query),
      ).toEqual(want);
    }
  });

  it("a filter that names nothing is an empty page, not an error; an empty parameter is no filter", async () => {
    const none: Record<string, string>[] = [
      { user: `nobody@${run}.requests.test` },
      { user: randomUUID() },
      { key: "sk-sy-nokey0" },
      { key: randomUUID() },
      { provider: "rq-gamma" },
      { model: "rq-alpha/m9" },
    ];
    for (const query of none) {
      expect(await list({ ...WINDOW, ...query }), JSON.stringify(query)).toEqual({ data: [], next_cursor: null });
    }
    const blank = await list({
      ...WINDOW,
      user: "",
      key: " ",
      provider: "",
      model: "",
      power_level: "",
      status: "",
      limit: 200,
    });
    expect(blank.data.map((r) => r.id)).toEqual(expected(() => true));
  });

  it("refuses malformed filters with a 400 naming the field, and USER and FINANCE with 403", async () => {
    const bad: [string, string][] = [
      ["power_level=ULTRA", "power_level"],
      ["status=ok", "status"],
      ["limit=0", "limit"],
      ["limit=201", "limit"],
      ["limit=abc", "limit"],
      ["from=yesterday", "from"],
      ["to=2025-02-30", "to"],
      ["from=0000-01-01", "from"],
      ["to=9999-12-31", "to"],
      [`cursor=${Buffer.from("0000-01-01T00:00:00.000Z|x").toString("base64url")}`, "cursor"],
      ["from=2025-03-05&to=2025-03-01", "from"],
      ["cursor=not-a-cursor!", "cursor"],
      [`cursor=${Buffer.from("2020-01-01|x").toString("base64url")}`, "cursor"],
      [`provider=${"x".repeat(101)}`, "provider"],
    ];
    for (const [query, param] of bad) {
      const res = await f.asAdmin(`/api/admin/requests?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json.error.code, query).toBe("invalid_request");
      expect(res.json.error.param, query).toBe(param);
    }
    const fin = await createUser(f.db, {
      email: `finance@${run}.requests.test`,
      password: "finance-password",
      role: "FINANCE",
    });
    const asFinance = f.callAs((await createApiKey(f.db, fin.id, { name: "finance" })).key);
    for (const call of [f.asUser, asFinance]) {
      expect((await call("/api/admin/requests")).status).toBe(403);
      expect((await call(`/api/admin/requests/rq-${run}-00`)).status).toBe(403);
    }
  });
});

describe("pagination", () => {
  it("walks every row exactly once, newest first, with many rows in one millisecond", async () => {
    const tied = Array.from({ length: 9 }, (_, i) => `rq-${run}-tie-${randomUUID().slice(0, 8)}-${i}`);
    for (const id of tied)
      await seed({
        id,
        at: "2025-03-03T12:00:00.000Z",
        user: "alice",
        key: "k1",
        provider: "rq-alpha",
        model: "rq-alpha/m0",
        level: "ECO",
        status: "success",
        charged: 0,
      });
    for (const limit of [1, 4, 7]) {
      const seen = await walk({ ...WINDOW, limit });
      expect(
        seen.map((r) => r.id),
        `limit ${limit}`,
      ).toEqual(expected(() => true));
    }
    // Filtered, the cursor keeps the filter's rows only.
    expect((await walk({ ...WINDOW, key: keys.k1.id, limit: 3 })).map((r) => r.id)).toEqual(
      expected((s) => s.key === "k1"),
    );
  });

  it("a cursor from a row's own time and id continues after it, and a request made meanwhile lands on page one", async () => {
    const first = await list({ ...WINDOW, limit: 5 });
    const second = await list({ ...WINDOW, limit: 5, cursor: first.next_cursor! });
    await seed({
      id: `rq-${run}-zz-late`,
      at: "2025-03-04T23:59:59.999Z",
      user: "bob",
      key: null,
      provider: "rq-alpha",
      model: "rq-alpha/m0",
      level: "ECO",
      status: "success",
      charged: 0,
    });
    expect((await list({ ...WINDOW, limit: 5, cursor: first.next_cursor! })).data).toEqual(second.data);
    expect((await list({ ...WINDOW, limit: 1 })).data[0]!.id).toBe(`rq-${run}-zz-late`);
  });
});

describe("one request", () => {
  it("opens a gateway request with its routing receipt and attempts, in dollars, with no secret in it", async () => {
    await f.addProvider("rq-live", { priority: 90 });
    await f.addModel("rq-live", "live-model", { level: "BALANCED", input: 1, output: 2 });
    const caller = await f.newCaller("rq-live", 5_000_000);
    const res = await caller.call("/api/v1/chat/completions", {
      body: { model: "auto", messages: [{ role: "user", content: "hello there" }] },
    });
    expect(res.status, res.text).toBe(200);
    const id = res.headers.get("x-request-id")!;

    const detail = await f.asAdmin(`/api/admin/requests/${id}`);
    expect(detail.status, detail.text).toBe(200);
    const d = detail.json;
    expect(d).toMatchObject({
      id,
      user_id: caller.id,
      user_email: caller.email,
      provider: "rq-live",
      model: "rq-live/live-model",
      status: "success",
      fallback_count: 0,
      error: null,
    });
    expect(d.charged_usd).toBeGreaterThan(0);
    expect(d.attempts).toEqual([
      expect.objectContaining({ provider: "rq-live", model: "rq-live/live-model", ok: true, status: 200 }),
    ]);
    expect(d.receipt).toMatchObject({
      requested_power_level: "BALANCED",
      served_power_level: "BALANCED",
      candidates: [expect.objectContaining({ model: "rq-live/live-model", outcome: "served" })],
    });
    expect(d.receipt.settled_usd).toBe(d.charged_usd);
    expect(d.receipt).not.toHaveProperty("held_micros");
    expect(JSON.stringify(d)).not.toContain("upstream-secret");
    // The same request is in the list, found by its user.
    expect((await list({ user: caller.email })).data.map((r) => r.id)).toEqual([id]);
  });

  it("scrubs error texts of stored attempts and shows their cost in dollars", async () => {
    const id = `rq-${run}-scrub`;
    await writeUsage(f.db, {
      ...usage({
        id,
        at: "2025-02-27T00:00:00.000Z",
        user: "bob",
        key: null,
        provider: "rq-alpha",
        model: "rq-alpha/m0",
        level: "ECO",
        status: "error",
        charged: 0,
      }),
      errorMessage: "Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz123456",
      attempts: [
        {
          provider: "rq-alpha",
          model: "rq-alpha/m0",
          ok: false,
          status: 401,
          error: "bad key",
          latency_ms: 12,
          ttft_ms: null,
          provider_cost_micros: 1500,
        },
      ],
    });
    // Rows from before errors were scrubbed on the way in.
    await sql(
      f.url,
      `UPDATE usage_logs SET attempts = jsonb_set(attempts, '{0,error}', '"Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz123456"') WHERE id = $1`,
      [id],
    );
    const d = (await f.asAdmin(`/api/admin/requests/${id}`)).json;
    expect(JSON.stringify(d)).not.toContain("abcdefghijklmnopqrstuvwxyz");
    expect(d.attempts).toEqual([
      {
        provider: "rq-alpha",
        model: "rq-alpha/m0",
        ok: false,
        status: 401,
        error: expect.stringContaining("[redacted]"),
        latency_ms: 12,
        ttft_ms: null,
        provider_cost_usd: 0.0015,
      },
    ]);
    expect(d.receipt).toBeNull();
  });

  it("is a 404 in the JSON error shape for an id that names no request", async () => {
    for (const id of [randomUUID(), "nothing-here", "%E2%9C%93"]) {
      const res = await f.asAdmin(`/api/admin/requests/${id}`);
      expect(res.status, id).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
  });
});
