// Reconciliation with Stripe as the third witness, against the local Stripe double read through the
// official SDK: a paid session whose webhook never arrived is found and credited by an admin's one
// click through the webhook's exactly-once path, so the late webhook credits nothing more; Stripe's
// refunds and sessions are compared with the ledger row by row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance, postEntry } from "../../lib/ledger/ledger.ts";
import { createUser } from "../../lib/users/users.ts";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import type { StripeDouble } from "../doubles/stripe-server.ts";
import { startStripeForApp, stopStripeForApp } from "../helpers/stripe-env.ts";
import { startGatewayFixture, type FixtureCaller, type GatewayFixture } from "../harness/gateway-fixture.ts";

let f: GatewayFixture;
let stripe: StripeDouble;
let finance: FixtureCaller["call"];
const today = new Date().toISOString().slice(0, 10);
const RANGE = `from=${today}&to=${today}`;

beforeAll(async () => {
  f = await startGatewayFixture();
  stripe = await startStripeForApp(f.app.url);
  const fin = await createUser(f.db, { email: "finance@recon.test", password: "finance-password", role: "FINANCE" });
  finance = f.callAs((await createApiKey(f.db, fin.id, { name: "finance" })).key);
});
afterAll(async () => {
  await stopStripeForApp(stripe);
  await f?.close();
});

async function checkout(c: FixtureCaller, usd: number): Promise<string> {
  const res = await c.call("/api/credits/checkout", { body: { amount_usd: usd } });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.session_id;
}

async function reconcile() {
  const res = await finance(`/api/finance/reconciliation?${RANGE}`);
  expect(res.status, res.text).toBe(200);
  return res.json;
}
const comparison = (r: any, name: string) => r.comparisons.find((c: any) => c.name === name);

describe("reconciliation with Stripe", () => {
  it("finds a paid session whose webhook was dropped; the admin's repair credits it once, and the late webhook credits nothing", async () => {
    const buyer = await f.newCaller("recon-buyer");
    const delivered = await checkout(buyer, 7);
    await stripe.deliver(stripe.pay(delivered));
    const sessionId = await checkout(buyer, 12.34);
    const lateWebhook = stripe.pay(sessionId); // paid at Stripe; the webhook is dropped for now
    expect((await getBalance(f.db, buyer.id)).balanceMicros).toBe(7_000_000);

    const found = await reconcile();
    expect(found.stripe).toBe("checked");
    expect(found.repairable).toEqual([
      { session_id: sessionId, amount_micros: 12_340_000, user_id: buyer.id, email: buyer.email },
    ]);
    const vsStripe = comparison(found, "purchases_ledger_vs_stripe");
    expect(vsStripe).toMatchObject({
      left: { total_micros: 7_000_000 },
      right: { total_micros: 19_340_000 },
      difference_micros: -12_340_000,
    });
    expect(vsStripe.rows).toEqual([
      expect.objectContaining({
        id: sessionId,
        left_id: null,
        right_id: sessionId,
        left_micros: null,
        right_micros: 12_340_000,
        repairable: true,
        problem: expect.stringContaining("never credited"),
      }),
    ]);
    // The events we processed agree with the ledger: both missed it.
    expect(comparison(found, "purchases_ledger_vs_events").difference_micros).toBe(0);

    // Finance may look but not move money; the admin's click credits it, a second click does nothing.
    expect((await finance("/api/finance/reconciliation/repair", { body: { session_id: sessionId } })).status).toBe(403);
    const repaired = await f.asAdmin("/api/finance/reconciliation/repair", { body: { session_id: sessionId } });
    expect(repaired.status, repaired.text).toBe(200);
    expect(repaired.json).toMatchObject({
      credited: true,
      duplicate: false,
      amount_micros: 12_340_000,
      user_id: buyer.id,
    });
    const again = await f.asAdmin("/api/finance/reconciliation/repair", { body: { session_id: sessionId } });
    expect(again.json).toMatchObject({ credited: false, duplicate: true });
    expect((await getBalance(f.db, buyer.id)).balanceMicros).toBe(19_340_000);

    // The webhook arrives after all (Stripe retries for days): accepted, nothing credited twice.
    const late = await stripe.deliver(lateWebhook);
    expect(late[0]!.status).toBe(200);
    expect(JSON.parse(late[0]!.body)).toMatchObject({ duplicate: true });
    expect((await getBalance(f.db, buyer.id)).balanceMicros).toBe(19_340_000);

    const clean = await reconcile();
    expect(clean.repairable).toEqual([]);
    expect(clean.comparisons.map((c: any) => [c.name, c.difference_micros, c.rows.length])).toEqual([
      ["ledger_charges_vs_usage", 0, 0],
      ["purchases_ledger_vs_events", 0, 0],
      ["purchases_ledger_vs_stripe", 0, 0],
      ["refunds_ledger_vs_events", 0, 0],
      ["refunds_ledger_vs_stripe", 0, 0],
    ]);
    expect(comparison(clean, "purchases_ledger_vs_stripe")).toMatchObject({
      left: { total_micros: 19_340_000 },
      right: { total_micros: 19_340_000 },
    });
  });

  it("a repair racing the webhook credits once", async () => {
    const buyer = await f.newCaller("recon-race");
    const sessionId = await checkout(buyer, 6);
    const event = stripe.pay(sessionId);
    const [repair, hook] = await Promise.all([
      f.asAdmin("/api/finance/reconciliation/repair", { body: { session_id: sessionId } }),
      stripe.deliver(event, { times: 3 }),
    ]);
    expect(repair.status, repair.text).toBe(200);
    expect(hook.every((h) => h.status === 200)).toBe(true);
    expect((await getBalance(f.db, buyer.id)).balanceMicros).toBe(6_000_000);
  });

  it("refuses to repair what Stripe does not know or has not been paid", async () => {
    const buyer = await f.newCaller("recon-unpaid");
    const unpaid = await checkout(buyer, 8);
    expect(
      (await f.asAdmin("/api/finance/reconciliation/repair", { body: { session_id: unpaid } })).json.error.code,
    ).toBe("session_not_paid");
    expect(
      (await f.asAdmin("/api/finance/reconciliation/repair", { body: { session_id: "cs_test_nobody" } })).status,
    ).toBe(404);
    expect((await f.asAdmin("/api/finance/reconciliation/repair", { body: { session_id: "cs x; drop" } })).status).toBe(
      400,
    );
    expect((await getBalance(f.db, buyer.id)).balanceMicros).toBe(0);
  });

  it("pinpoints a refund Stripe made that the ledger never heard of, and a credit Stripe knows nothing about", async () => {
    const buyer = await f.newCaller("recon-refund");
    const sessionId = await checkout(buyer, 10);
    await stripe.deliver(stripe.pay(sessionId));
    await stripe.deliver(stripe.refund(sessionId, 300)); // $3 refunded and recorded
    stripe.refund(sessionId, 200); // $2 more refunded at Stripe; that webhook is lost
    await postEntry(f.db, {
      userId: buyer.id,
      type: "PURCHASE",
      amountMicros: 1_000_000,
      reference: "typed in by hand",
      idempotencyKey: "stripe-session:cs_test_ghost",
    });

    const r = await reconcile();
    const chargeId = stripe.sessions.get(sessionId)!.charge!.id;
    const refunds = comparison(r, "refunds_ledger_vs_stripe");
    expect(refunds).toMatchObject({
      left: { total_micros: 3_000_000 },
      right: { total_micros: 5_000_000 },
      difference_micros: -2_000_000,
    });
    expect(refunds.rows).toEqual([
      expect.objectContaining({
        id: chargeId,
        left_micros: 3_000_000,
        right_micros: 5_000_000,
        difference_micros: -2_000_000,
      }),
    ]);
    expect(refunds.rows[0].right_id.split(",")).toHaveLength(2); // both Stripe refund ids
    expect(comparison(r, "refunds_ledger_vs_events").difference_micros).toBe(0);
    const purchases = comparison(r, "purchases_ledger_vs_stripe");
    expect(purchases.rows).toEqual([
      expect.objectContaining({
        id: "cs_test_ghost",
        right_id: null,
        left_micros: 1_000_000,
        right_micros: null,
        problem: expect.stringContaining("Stripe does not know"),
      }),
    ]);
    expect(r.repairable).toEqual([]);
  });

  it("says when Stripe cannot be read, and still compares the ledger's own records", async () => {
    const base = process.env.STRIPE_API_BASE;
    process.env.STRIPE_API_BASE = "http://127.0.0.1:9";
    try {
      const r = await reconcile();
      expect(r.stripe).toBe("unreachable");
      expect(r.stripe_error).toMatch(/Stripe could not be read/);
      expect(r.comparisons.map((c: any) => c.name)).toEqual([
        "ledger_charges_vs_usage",
        "purchases_ledger_vs_events",
        "refunds_ledger_vs_events",
      ]);
    } finally {
      process.env.STRIPE_API_BASE = base;
    }
  });
});
