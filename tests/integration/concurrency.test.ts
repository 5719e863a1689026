// Many requests racing for too little credit, through the real gateway: in one app process, and
// (PostgreSQL) in two app processes on one database. Exactly what the balance affords is served;
// everyone else gets 402; the balance never goes below zero and the ledger verifies.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { getBalance, verifyLedger } from "../../lib/ledger/ledger.ts";
import { createUser } from "../../lib/users/users.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { spawnAppProcess, type AppProcess } from "../helpers/app-process.ts";
import { dbKind, sql } from "../setup/test-db.ts";

// One priced model, input free and output $1000 per 1M tokens = 1000 micro-USD per token. With
// max_tokens 10 every hold is exactly 10 × 1000 = 10_000 micro-USD, and the mock always replies
// with exactly 10 pieces (it has 12 and stops at max_tokens), so every charge equals its hold.
// max_tokens stays under the minimal reply (16 tokens), so no request is served shorter.
const PER_TOKEN = 1000;
const MAX_TOKENS = 10;
const HOLD = MAX_TOKENS * PER_TOKEN;
const AFFORDABLE = 10;
const REQUESTS = 64;

let f: GatewayFixture;

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("solo", { priority: 90 });
  await f.addModel("solo", "mock-small", { level: "BALANCED", input: 0, output: PER_TOKEN, quality: 9 });
  f.mock.setBehavior({ tokens: Array.from({ length: 12 }, (_, i) => ` t${i}`), chunkDelayMs: 5 });
});
afterAll(() => f?.close());

async function newCaller(label: string) {
  const user = await createUser(f.db, {
    email: `${label}-${randomUUID().slice(0, 8)}@test.example`,
    password: "caller-password",
  });
  const key = (await createApiKey(f.db, user.id, { name: label })).key;
  await f.grant(user.id, (AFFORDABLE * HOLD) / 1e6);
  expect(await getBalance(f.db, user.id)).toEqual({
    balanceMicros: AFFORDABLE * HOLD,
    reservedMicros: 0,
    availableMicros: AFFORDABLE * HOLD,
  });
  return { id: user.id, key };
}

async function chat(baseUrl: string, key: string, i: number) {
  const res = await fetch(`${baseUrl}/api/v1/chat/completions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "content-type": "application/json" },
    // Every other request streams: a stream holds its credits for its whole length.
    body: JSON.stringify({
      model: "balanced",
      max_tokens: MAX_TOKENS,
      stream: i % 2 === 1,
      messages: [{ role: "user", content: `request ${i}` }],
    }),
  });
  const text = await res.text();
  return { status: res.status, text };
}

async function assertOutcome(userId: string, results: { status: number; text: string }[]) {
  const byStatus = new Map<number, number>();
  for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  expect(Object.fromEntries(byStatus)).toEqual({ 200: AFFORDABLE, 402: REQUESTS - AFFORDABLE });
  for (const r of results.filter((x) => x.status === 402))
    expect(JSON.parse(r.text).error).toMatchObject({ code: "insufficient_credits", type: "insufficient_quota" });
  // Every served reply is whole (a stream ends with [DONE]).
  for (const r of results.filter((x) => x.status === 200))
    expect(r.text.includes('"choices"') && (!r.text.startsWith("data:") || r.text.includes("data: [DONE]"))).toBe(true);

  expect(await getBalance(f.db, userId)).toEqual({ balanceMicros: 0, reservedMicros: 0, availableMicros: 0 });
  const charges = await sql<{ amount: string; n: string }>(
    f.url,
    `SELECT e.amount_micros::text AS amount, count(*)::text AS n FROM ledger_entries e JOIN credit_accounts a ON a.id = e.account_id
     WHERE a.user_id = $1 AND e.type = 'CHARGE' GROUP BY 1`,
    [userId],
  );
  expect(charges).toEqual([{ amount: String(-HOLD), n: String(AFFORDABLE) }]);
  const negative = await sql<{ n: string }>(
    f.url,
    "SELECT count(*)::text AS n FROM ledger_entries WHERE balance_after_micros < 0",
  );
  expect(negative[0]!.n).toBe("0");
  const held = await sql<{ status: string; n: string }>(
    f.url,
    "SELECT r.status::text, count(*)::text AS n FROM reservations r JOIN credit_accounts a ON a.id = r.account_id WHERE a.user_id = $1 GROUP BY 1",
    [userId],
  );
  expect(held).toEqual([{ status: "SETTLED", n: String(AFFORDABLE) }]);
  expect((await verifyLedger(f.db)).mismatches).toEqual([]);
}

describe("64 concurrent requests against a balance that affords 10", () => {
  it("one app process: 10 served, 54 refused with 402, balance 0, ledger clean", async () => {
    const caller = await newCaller("one-process");
    f.mock.clearRequests();
    const results = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => chat(f.app.url, caller.key, i)));
    await assertOutcome(caller.id, results);
    // The refused requests never reached a provider.
    expect(f.mock.requests.filter((r) => r.path === "/v1/chat/completions")).toHaveLength(AFFORDABLE);
    expect(f.mock.requests.every((r) => r.body.max_tokens === MAX_TOKENS)).toBe(true);
  });

  describe.runIf(dbKind() === "postgres")("two app processes on one PostgreSQL", () => {
    const apps: AppProcess[] = [];
    beforeAll(async () => {
      const env = f.appEnv();
      apps.push(...(await Promise.all([spawnAppProcess(env), spawnAppProcess(env)])));
    });
    afterAll(async () => {
      await Promise.all(apps.map((a) => a.kill()));
    });

    it("split 32/32 between the processes: 10 served in total, 54 refused, balance 0, ledger clean", async () => {
      const caller = await newCaller("two-processes");
      f.mock.clearRequests();
      // Warm both processes (route modules, catalog) so the race is about credits, not start-up.
      const warm = await Promise.all(
        apps.map((a) => fetch(`${a.url}/api/v1/models`, { headers: { Authorization: `Bearer ${caller.key}` } })),
      );
      expect(warm.map((r) => r.status)).toEqual([200, 200]);

      const results = await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) => chat(apps[i % 2]!.url, caller.key, i)),
      );
      await assertOutcome(caller.id, results);
      expect(f.mock.requests.filter((r) => r.path === "/v1/chat/completions")).toHaveLength(AFFORDABLE);
    });
  });
});
