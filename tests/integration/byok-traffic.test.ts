// A user's own provider keys in real traffic, through the real handlers on both databases: the
// admin's BYOK fee charged exactly through the ledger and stated on the reply, and a key the
// provider refuses marked invalid at once (routing falls back to the platform's key, or says
// clearly that the user's key was refused).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addByokKey } from "../../lib/byok/byok.ts";
import { getBalance, verifyLedger } from "../../lib/ledger/ledger.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";

const PER_TOKEN = 1000; // output micro-USD a token; input free
let f: GatewayFixture;

beforeAll(async () => {
  f = await startGatewayFixture();
  // "own": only the user's key can serve it. "both": a platform key too. "other": platform only.
  await f.addProvider("own", { priority: 90, withKey: false });
  await f.addProvider("both", { priority: 90 });
  await f.addProvider("other", { priority: 10 });
  await f.addModel("own", "own-m", { level: "BALANCED", input: 0, output: PER_TOKEN, quality: 9 });
  await f.addModel("both", "both-m", { level: "ECO", input: 0, output: PER_TOKEN, quality: 9 });
  await f.addModel("other", "other-m", { level: "ECO", input: 0, output: PER_TOKEN, quality: 5 });
  f.mock.setBehavior({ tokens: Array.from({ length: 12 }, (_, i) => ` t${i}`) });
});
afterAll(() => f?.close());

const masterKey = () => Buffer.from(process.env.SWITCHYARD_MASTER_KEY!, "base64");
/** Stores a BYOK key as the app does, with the provider's check answered by the test (the mock only knows one key). */
const storeKey = (userId: string, provider: string, apiKey: string) =>
  addByokKey(f.db, userId, { provider, api_key: apiKey, save_unverified: false }, masterKey(), {
    checkKey: async () => ({ outcome: "accepted" }),
  });
const chat = (model: string, extra: Record<string, unknown> = {}) => ({
  body: { model, max_tokens: 10, messages: [{ role: "user", content: "hello" }], ...extra },
});

describe("the BYOK fee", () => {
  afterAll(() => f.asAdmin("/api/admin/settings", { method: "PATCH", body: { byok_fee_percent: 0 } }));

  it("is a share of the list cost, charged through the ledger, on the reply and in the usage row", async () => {
    const caller = await f.newCaller("fee", 1_000_000);
    await storeKey(caller.id, "own", "upstream-secret");
    // No fee: served with the user's key for nothing.
    const free = await caller.call("/api/v1/chat/completions", chat("own/own-m"));
    expect(free.status).toBe(200);
    expect(free.json.usage.cost).toBe(0);
    expect(free.headers.get("x-byok-fee-percent")).toBeNull();

    expect((await f.asAdmin("/api/admin/settings", { method: "PATCH", body: { byok_fee_percent: 5 } })).status).toBe(
      200,
    );
    const json = await caller.call("/api/v1/chat/completions", chat("own/own-m"));
    expect(json.status).toBe(200);
    // 10 output tokens × $0.001 = $0.01 list cost; 5 % of it = $0.0005.
    expect(json.json.usage.completion_tokens).toBe(10);
    expect(json.json.usage.cost).toBe(0.0005);
    expect(json.headers.get("x-byok-fee-percent")).toBe("5");
    expect(json.headers.get("x-cost-incurred")).toBe("0.0005");
    const streamed = await caller.call("/api/v1/chat/completions", chat("own/own-m", { stream: true }));
    expect(streamed.headers.get("x-byok-fee-percent")).toBe("5");
    expect(streamed.text).toContain('"cost":0.0005');

    const rows = await sql<{ charged: string; provider_cost: string; byok: boolean }>(
      f.url,
      "SELECT charged_micros::text AS charged, provider_cost_micros::text AS provider_cost, byok FROM usage_logs WHERE user_id = $1 ORDER BY created_at",
      [caller.id],
    );
    expect(rows).toEqual([
      { charged: "0", provider_cost: "0", byok: true },
      { charged: "500", provider_cost: "0", byok: true },
      { charged: "500", provider_cost: "0", byok: true },
    ]);
    expect((await getBalance(f.db, caller.id)).balanceMicros).toBe(1_000_000 - 1_000);
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);
  });

  it("must be affordable: with no credits the fee is refused with 402 before the provider is called", async () => {
    const caller = await f.newCaller("fee-broke", 0);
    await storeKey(caller.id, "own", "upstream-secret");
    f.mock.clearRequests();
    const res = await caller.call("/api/v1/chat/completions", chat("own/own-m"));
    expect(res.status).toBe(402);
    expect(f.mock.requests.filter((r) => r.path.endsWith("/chat/completions"))).toHaveLength(0);
  });
});

describe("a key the provider refuses during traffic", () => {
  it("is marked invalid at once with a scrubbed reason; the next requests use the platform's key", async () => {
    const caller = await f.newCaller("refused", 1_000_000);
    const bad = "sk-users-own-key-0123456789abcdef";
    await storeKey(caller.id, "both", bad);
    const first = await caller.call("/api/v1/chat/completions", chat("eco"));
    // The user's key was tried first (BYOK ranks first), refused, and the walk went on.
    expect(first.status).toBe(200);
    expect(first.json.model).toBe("other/other-m");
    expect(first.headers.get("x-routing-reason")).toContain("both/both-m (your key) failed (401)");

    const listed = (await caller.call("/api/byok")).json.data;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ provider: "both", status: "invalid" });
    expect(listed[0].invalid_at).not.toBeNull();
    expect(listed[0].invalid_reason).toContain("401");
    expect(JSON.stringify(listed)).not.toContain(bad);
    expect(JSON.stringify(listed)).not.toContain("0123456789abcdef");

    // Routing stopped using it: the platform's key serves the same model now.
    const next = await caller.call("/api/v1/chat/completions", chat("both/both-m"));
    expect(next.status).toBe(200);
    expect(next.json.model).toBe("both/both-m");
    expect(next.json.usage.cost).toBe(0.01);
  });

  it("where only the user's key could serve, the refusal is said plainly", async () => {
    const caller = await f.newCaller("refused-own", 1_000_000);
    await storeKey(caller.id, "own", "sk-users-own-key-fedcba9876543210");
    const first = await caller.call("/api/v1/chat/completions", chat("own/own-m"));
    expect(first.status).toBe(502);
    const again = await caller.call("/api/v1/chat/completions", chat("own/own-m"));
    expect(again.status).toBe(503);
    expect(again.json.error.message).toMatch(
      /your key for own was refused by the provider at .*401.*replace it on the Keys page/,
    );
    expect(again.json.error.message).not.toContain("fedcba9876543210");
  });
});
