// Routing may start from the process's recent view of a caller's money (lib/ledger/money-cache.ts)
// instead of reading it on every request. These tests change the money behind the process's back
// (another process would) and check the view never decides on its own: a decision money shaped is
// made again on a fresh read, and a hold refused on a stale view is routed again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance, verifyLedger } from "../../lib/ledger/ledger.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";

let f: GatewayFixture;
const ttlBefore = process.env.SWITCHYARD_IDENTITY_TTL_MS;

beforeAll(async () => {
  // A long TTL, so the second request surely meets the view the first one left.
  process.env.SWITCHYARD_IDENTITY_TTL_MS = "60000";
  f = await startGatewayFixture();
  // USD per 1M tokens: a 1,000-token reply at BALANCED holds about $0.0037.
  await f.addProvider("main", { priority: 90 });
  await f.addModel("main", "mock-small", { level: "BALANCED", input: 1.5, output: 3.7, quality: 9 });
});
afterAll(async () => {
  if (ttlBefore === undefined) delete process.env.SWITCHYARD_IDENTITY_TTL_MS;
  else process.env.SWITCHYARD_IDENTITY_TTL_MS = ttlBefore;
  await f?.close();
});

/** Moves money as another app process (or the CLI) would: the ledger, without this process knowing. */
async function elsewhere(userId: string, type: "GRANT" | "CORRECTION", micros: number) {
  await sql(
    f.url,
    `WITH a AS (UPDATE credit_accounts SET balance_micros = balance_micros + $2::int8, updated_at = now() WHERE user_id = $1 RETURNING id, balance_micros)
     INSERT INTO ledger_entries (account_id, type, amount_micros, balance_after_micros, reference, created_at)
     SELECT id, $3::"LedgerEntryType", $2::int8, balance_micros, 'moved elsewhere', now() FROM a`,
    [userId, micros, type],
  );
}

const chat = (
  c: { call: (p: string, i?: { body?: unknown }) => Promise<{ status: number; headers: Headers; json: any }> },
  maxTokens: number,
) =>
  c.call("/api/v1/chat/completions", {
    body: { model: "balanced", max_tokens: maxTokens, messages: [{ role: "user", content: "say something short" }] },
  });

describe("the gateway's view of a caller's money", () => {
  it("credits added elsewhere are not missed: a reply the stale view would have capped is routed again on a fresh read", async () => {
    const c = await f.newCaller("stale-low", 1_000); // $0.001: 1,000 tokens at BALANCED do not fit
    const capped = await chat(c, 1000);
    expect(capped.status).toBe(200);
    expect(capped.headers.get("x-max-tokens-capped")).not.toBeNull();

    await elsewhere(c.id, "GRANT", 10_000_000);
    const full = await chat(c, 1000);
    expect(full.status).toBe(200);
    expect(full.headers.get("x-power-level")).toBe("BALANCED");
    expect(full.headers.get("x-max-tokens-capped")).toBeNull();
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);
  });

  it("credits spent elsewhere are not spent twice: a hold refused on the stale view is routed again, and answered as a fresh read would", async () => {
    const c = await f.newCaller("stale-high", 5_000_000);
    expect((await chat(c, 100)).status).toBe(200);

    const { balanceMicros } = await getBalance(f.db, c.id);
    await elsewhere(c.id, "CORRECTION", -balanceMicros); // drained to $0 by someone else
    const refused = await chat(c, 100);
    expect(refused.status).toBe(402);
    expect(refused.json.error.code).toBe("insufficient_credits");
    // The router's own refusal (it names what it could not afford), not the bare hold's.
    expect(refused.json.error.message).not.toBe("Not enough credits for this request");
    expect(await getBalance(f.db, c.id)).toEqual({ balanceMicros: 0, reservedMicros: 0, availableMicros: 0 });

    // With a free model in the catalog, the same request is served there instead of refused.
    await f.addProvider("freebie", { priority: 10 });
    await f.addModel("freebie", "mock-free", { level: "ECO", input: 0, output: 0, quality: 6 });
    await elsewhere(c.id, "GRANT", 5_000_000);
    expect((await chat(c, 100)).status).toBe(200); // the view now says $5
    await elsewhere(c.id, "CORRECTION", -(await getBalance(f.db, c.id)).balanceMicros);
    const free = await chat(c, 100);
    expect(free.status).toBe(200);
    expect(free.headers.get("x-model-used")).toBe("freebie/mock-free");
    expect(free.json.usage.cost).toBe(0);
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);
  });
});
