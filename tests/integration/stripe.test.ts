// Buying credits with Stripe, end to end against the local Stripe double: the real SDK creates the
// Checkout Session (STRIPE_API_BASE), and the double signs webhooks exactly as Stripe does, so the
// app's signature check is the real one. Every paid session credits exactly once, whatever the
// delivery order, retries and concurrency; refunds never take a balance below zero.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance, reserve, settle, verifyLedger } from "../../lib/ledger/ledger.ts";
import type { StripeDouble } from "../doubles/stripe-server.ts";
import { pointAppAt, startStripeForApp, stopStripeForApp } from "../helpers/stripe-env.ts";
import { startGatewayFixture, type FixtureCaller, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";

let f: GatewayFixture;
let stripe: StripeDouble;
const signer = new Stripe("sk_test_signer").webhooks;

beforeAll(async () => {
  f = await startGatewayFixture();
  stripe = await startStripeForApp(f.app.url);
});
afterAll(async () => {
  await stopStripeForApp(stripe);
  await f?.close();
});

type Caller = FixtureCaller;
const newCaller = (label: string): Promise<Caller> => f.newCaller(label);

async function checkout(c: Caller, usd: number): Promise<string> {
  const res = await c.call("/api/credits/checkout", { body: { amount_usd: usd } });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.session_id;
}

/** The session as Stripe sends it inside events. */
function wire(sessionId: string) {
  const { charge: _c, paymentIntentMetadata: _m, ...session } = stripe.sessions.get(sessionId)!;
  return session;
}

async function entries(userId: string) {
  return sql<{ type: string; amount: string; after: string; reference: string; key: string | null }>(
    f.url,
    `SELECT e.type::text, e.amount_micros::text AS amount, e.balance_after_micros::text AS after, e.reference, e.idempotency_key AS key
     FROM ledger_entries e JOIN credit_accounts a ON a.id = e.account_id WHERE a.user_id = $1 ORDER BY e.id`,
    [userId],
  );
}
const balanceOf = async (userId: string) => (await getBalance(f.db, userId)).balanceMicros;
const counts = async () =>
  (
    await sql<{ events: string; entries: string }>(
      f.url,
      "SELECT (SELECT count(*) FROM stripe_events)::text AS events, (SELECT count(*) FROM ledger_entries)::text AS entries",
    )
  )[0]!;
const statuses = (rs: { status: number }[]) => rs.map((r) => r.status);

describe("checkout", () => {
  it("creates a Checkout Session through the SDK, with the user and the amount in its metadata", async () => {
    const res = await f.asUser("/api/credits/checkout", { body: { amount_usd: 25 } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ url: expect.any(String), session_id: expect.stringMatching(/^cs_test_/) });
    expect(res.json.url).toBe(`${stripe.url}/pay/${res.json.session_id}`);
    const session = stripe.sessions.get(res.json.session_id)!;
    expect(session).toMatchObject({
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_total: 2500,
      currency: "usd",
      customer_email: "user@fixture.test",
      client_reference_id: f.user.id,
      metadata: { user_id: f.user.id, amount_micros: "25000000" },
    });
    // The payment carries them too, so a refund (a charge event) finds the account.
    expect(session.paymentIntentMetadata).toEqual({ user_id: f.user.id, amount_micros: "25000000" });
    expect(session.success_url).toMatch(/\/credits\/success\?session_id=\{CHECKOUT_SESSION_ID\}$/);
    // Nothing is credited before payment.
    expect((await f.asUser(`/api/credits/purchases/${res.json.session_id}`)).json).toMatchObject({
      status: "pending",
      amount_usd: null,
    });
  });

  it("validates amount_usd: below the minimum, above the maximum, fractional cents, not a number → 400 naming amount_usd", async () => {
    const c = await newCaller("amounts");
    for (const amount_usd of [4.99, 0, -10, 1000.01, 12.345, 0.001, "25", null]) {
      const res = await c.call("/api/credits/checkout", { body: { amount_usd } });
      expect(res.status, `amount_usd ${JSON.stringify(amount_usd)}`).toBe(400);
      expect(res.json.error.param, `amount_usd ${JSON.stringify(amount_usd)}`).toBe("amount_usd");
    }
    expect((await c.call("/api/credits/checkout", { body: {} })).json.error.param).toBe("amount_usd");
    const before = stripe.sessions.size;
    // The bounds themselves and whole cents are fine, and charged to the cent.
    for (const [usd, cents] of [
      [5, 500],
      [1000, 100_000],
      [19.99, 1999],
      [12.34, 1234],
    ] as const) {
      const id = await checkout(c, usd);
      expect(stripe.sessions.get(id)).toMatchObject({
        amount_total: cents,
        metadata: { amount_micros: String(cents * 10_000) },
      });
    }
    expect(stripe.sessions.size).toBe(before + 4);
  });

  it("without STRIPE_SECRET_KEY: checkout is 503 with a clear message and the config says purchases are off", async () => {
    const c = await newCaller("unconfigured");
    expect((await c.call("/api/credits/config")).json).toEqual({
      purchases_enabled: true,
      packs_usd: [10, 25, 50, 100],
      min_usd: 5,
      max_usd: 1000,
    });
    delete process.env.STRIPE_SECRET_KEY;
    try {
      const res = await c.call("/api/credits/checkout", { body: { amount_usd: 25 } });
      expect(res.status).toBe(503);
      expect(res.json.error).toMatchObject({
        code: "purchases_not_configured",
        message: expect.stringMatching(/not configured.*STRIPE_SECRET_KEY/),
      });
      expect((await c.call("/api/credits/config")).json).toMatchObject({ purchases_enabled: false });
      // Webhooks cannot be verified either: refused, nothing written.
      const before = await counts();
      const ev = stripe.event("checkout.session.completed", { id: "cs_test_unconfigured" });
      expect(statuses(await stripe.deliver(ev))).toEqual([503]);
      expect(await counts()).toEqual(before);
    } finally {
      pointAppAt(stripe);
    }
    expect((await c.call("/api/credits/config")).json).toMatchObject({ purchases_enabled: true });
  });
});

describe("webhook: a paid session credits exactly once", () => {
  it("paying credits exactly $25 (25_000_000 micro-USD), once; the success page sees it", async () => {
    const c = await newCaller("buyer");
    const id = await checkout(c, 25);
    const [delivered] = await stripe.deliver(stripe.pay(id));
    expect(delivered!.status).toBe(200);
    expect(JSON.parse(delivered!.body)).toMatchObject({ received: true, handled: true, duplicate: false });
    expect(await balanceOf(c.id)).toBe(25_000_000);
    expect(await entries(c.id)).toEqual([
      {
        type: "PURCHASE",
        amount: "25000000",
        after: "25000000",
        reference: `Stripe checkout ${id} (payment ${stripe.sessions.get(id)!.payment_intent})`,
        key: `stripe-session:${id}`,
      },
    ]);
    expect((await c.call(`/api/credits/purchases/${id}`)).json).toMatchObject({
      status: "credited",
      amount_usd: 25,
      balance_usd: 25,
    });
    expect((await c.call("/api/credits")).json).toMatchObject({ balance_usd: 25, available_usd: 25 });
    // Someone else polling that session learns nothing.
    expect((await f.asUser(`/api/credits/purchases/${id}`)).json).toMatchObject({
      status: "pending",
      amount_usd: null,
    });
  });

  it("the same completed event delivered 5 times at once, and 5 more later, credits once", async () => {
    const c = await newCaller("replay");
    const id = await checkout(c, 25);
    const ev = stripe.pay(id);
    const first = await stripe.deliver(ev, { times: 5 });
    expect(statuses(first)).toEqual([200, 200, 200, 200, 200]);
    expect(first.map((r) => JSON.parse(r.body).duplicate).filter((d) => !d)).toHaveLength(1);
    expect(statuses(await stripe.deliver(ev, { times: 5 }))).toEqual([200, 200, 200, 200, 200]);
    expect(await balanceOf(c.id)).toBe(25_000_000);
    expect((await entries(c.id)).map((e) => e.type)).toEqual(["PURCHASE"]);
    expect(await sql(f.url, "SELECT id FROM stripe_events WHERE id = $1", [ev.id])).toHaveLength(1);
  });

  it("a different event id for the same session (Stripe re-sends with new ids) credits nothing more, even concurrently", async () => {
    const c = await newCaller("new-ids");
    const id = await checkout(c, 25);
    const original = stripe.pay(id);
    const resent = stripe.event("checkout.session.completed", wire(id));
    expect(resent.id).not.toBe(original.id);
    const results = await Promise.all([
      stripe.deliver(original),
      stripe.deliver(resent),
      stripe.deliver(stripe.event("checkout.session.completed", wire(id))),
    ]);
    expect(results.flat().map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await balanceOf(c.id)).toBe(25_000_000);
    // and later, once more with yet another id
    const [late] = await stripe.deliver(stripe.event("checkout.session.completed", wire(id)));
    expect(JSON.parse(late!.body)).toMatchObject({ handled: true, duplicate: true });
    expect(await entries(c.id)).toHaveLength(1);
  });

  it("async payments: completed-but-unpaid credits nothing, async_payment_succeeded credits once, a late completed changes nothing", async () => {
    const c = await newCaller("async");
    const id = await checkout(c, 50);
    // Bank debit: the session completes before the money arrives.
    const pending = { ...wire(id), status: "complete", payment_status: "unpaid" };
    const [r1] = await stripe.deliver(stripe.event("checkout.session.completed", pending));
    expect(r1!.status).toBe(200);
    expect(JSON.parse(r1!.body)).toMatchObject({ handled: false });
    expect(await balanceOf(c.id)).toBe(0);

    const paid = stripe.pay(id); // marks it paid
    const succeeded = stripe.event("checkout.session.async_payment_succeeded", wire(id));
    expect(statuses(await stripe.deliver(succeeded))).toEqual([200]);
    expect(await balanceOf(c.id)).toBe(50_000_000);
    // The paid "completed" arrives after (out of order), and the succeeded event is retried.
    expect(statuses([...(await stripe.deliver(paid)), ...(await stripe.deliver(succeeded, { times: 2 }))])).toEqual([
      200, 200, 200,
    ]);
    expect(await balanceOf(c.id)).toBe(50_000_000);
    expect((await entries(c.id)).map((e) => [e.type, e.amount])).toEqual([["PURCHASE", "50000000"]]);
  });

  it("completed and async_payment_succeeded for one session racing each other credit once", async () => {
    const c = await newCaller("race-types");
    const id = await checkout(c, 10);
    const completed = stripe.pay(id);
    const succeeded = stripe.event("checkout.session.async_payment_succeeded", wire(id));
    const results = (
      await Promise.all([stripe.deliver(completed, { times: 2 }), stripe.deliver(succeeded, { times: 2 })])
    ).flat();
    expect(statuses(results)).toEqual([200, 200, 200, 200]);
    expect(await balanceOf(c.id)).toBe(10_000_000);
    expect(await entries(c.id)).toHaveLength(1);
  });

  it("a tampered, foreign, stale or missing signature is refused with 400 and nothing is written", async () => {
    const c = await newCaller("tamper");
    const id = await checkout(c, 25);
    const genuine = stripe.pay(id);
    const before = await counts();

    // 1. the body changed after signing ($25 → $2500)
    const inflated = genuine.payload.replace('"amount_total":2500', '"amount_total":250000');
    expect(inflated).not.toBe(genuine.payload);
    // 2. signed with someone else's secret
    const foreign = signer.generateTestHeaderString({ payload: genuine.payload, secret: "whsec_not_ours" });
    // 3. a genuine signature from an hour ago (replayed capture)
    const stale = signer.generateTestHeaderString({
      payload: genuine.payload,
      secret: stripe.webhookSecret,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    const refused = [
      ...(await stripe.deliver({ payload: inflated, signature: genuine.signature })),
      ...(await stripe.deliver({ payload: genuine.payload, signature: foreign })),
      ...(await stripe.deliver({ payload: genuine.payload, signature: stale })),
      ...(await stripe.deliver({ payload: genuine.payload, signature: "t=1,v1=deadbeef" })),
    ];
    const missing = await fetch(stripe.webhookUrl!, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: genuine.payload,
    });
    expect([...statuses(refused), missing.status]).toEqual([400, 400, 400, 400, 400]);
    expect(JSON.parse(refused[0]!.body).error.message).toMatch(/signature/i);

    expect(await counts()).toEqual(before);
    expect(await sql(f.url, "SELECT id FROM stripe_events WHERE id = $1", [genuine.id])).toHaveLength(0);
    expect(await balanceOf(c.id)).toBe(0);

    // The genuine delivery still works afterwards (the refusals did not mark the event as seen).
    expect(statuses(await stripe.deliver(genuine))).toEqual([200]);
    expect(await balanceOf(c.id)).toBe(25_000_000);
  });

  it("an unknown event type is acknowledged with 200 and ignored", async () => {
    const before = await counts();
    const [res] = await stripe.deliver(
      stripe.event("customer.created", { id: "cus_123", object: "customer", email: "x@example.com" }),
    );
    expect(res!.status).toBe(200);
    expect(JSON.parse(res!.body)).toMatchObject({ received: true, handled: false, detail: "ignored customer.created" });
    expect(await counts()).toEqual(before);
  });
});

describe("webhook: refunds", () => {
  it("a partial refund of $10 then the rest post negative REFUND entries of exactly those amounts; replays change nothing", async () => {
    const c = await newCaller("refund");
    const id = await checkout(c, 25);
    await stripe.deliver(stripe.pay(id));
    const chargeId = stripe.sessions.get(id)!.charge!.id;

    const partial = stripe.refund(id, 1000);
    const [r1] = await stripe.deliver(partial);
    expect(r1!.status).toBe(200);
    expect(await balanceOf(c.id)).toBe(15_000_000);

    const rest = stripe.refund(id, 1500);
    expect(statuses(await stripe.deliver(rest))).toEqual([200]);
    expect(await balanceOf(c.id)).toBe(0);
    expect((await entries(c.id)).map((e) => [e.type, e.amount, e.after, e.reference])).toEqual([
      [
        "PURCHASE",
        "25000000",
        "25000000",
        `Stripe checkout ${id} (payment ${stripe.sessions.get(id)!.payment_intent})`,
      ],
      ["REFUND", "-10000000", "15000000", `Stripe refund ${chargeId}`],
      ["REFUND", "-15000000", "0", `Stripe refund ${chargeId}`],
    ]);

    // Retries, concurrent re-deliveries, the older state re-sent with a new id: nothing moves.
    const older = stripe.event("charge.refunded", { ...JSON.parse(partial.payload).data.object });
    expect(
      statuses([
        ...(await stripe.deliver(partial, { times: 3 })),
        ...(await stripe.deliver(rest, { times: 3 })),
        ...(await stripe.deliver(older)),
      ]),
    ).toEqual(Array(7).fill(200));
    expect(await entries(c.id)).toHaveLength(3);
    expect((await c.call("/api/credits")).json).toMatchObject({ balance_usd: 0, available_usd: 0 });
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);
  });

  it("refund events arriving out of order (full before partial) refund the total once", async () => {
    const c = await newCaller("refund-order");
    const id = await checkout(c, 25);
    await stripe.deliver(stripe.pay(id));
    const partial = stripe.refund(id, 1000); // cumulative $10
    const full = stripe.refund(id, 1500); // cumulative $25
    expect(statuses([...(await stripe.deliver(full)), ...(await stripe.deliver(partial))])).toEqual([200, 200]);
    expect(await balanceOf(c.id)).toBe(0);
    expect((await entries(c.id)).filter((e) => e.type === "REFUND").map((e) => e.amount)).toEqual(["-25000000"]);
  });

  it("refunding credits that were already spent takes the balance to zero, never below, and the entry says how much was covered", async () => {
    const c = await newCaller("spent");
    const id = await checkout(c, 25);
    await stripe.deliver(stripe.pay(id));
    // $20 of it is used on requests.
    await reserve(f.db, c.id, "spend-20", 20_000_000);
    expect(await settle(f.db, c.id, "spend-20", 20_000_000, "request spend-20")).toMatchObject({
      chargedMicros: 20_000_000,
      balanceMicros: 5_000_000,
    });

    const [res] = await stripe.deliver(stripe.refund(id, 2500));
    expect(res!.status).toBe(200);
    expect(JSON.parse(res!.body).detail).toMatch(/covered 5000000 of 25000000/);
    expect(await getBalance(f.db, c.id)).toEqual({ balanceMicros: 0, reservedMicros: 0, availableMicros: 0 });
    const refund = (await entries(c.id)).at(-1)!;
    expect(refund).toMatchObject({ type: "REFUND", amount: "-5000000", after: "0" });
    expect(refund.reference).toMatch(/balance covered 5000000 of 25000000 micro-USD/);
    expect(await sql(f.url, "SELECT 1 FROM ledger_entries WHERE balance_after_micros < 0")).toHaveLength(0);
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);
  });

  it("a refund delivered before its purchase is credited still ends consistent: purchase +$25, refund −$25, balance 0", async () => {
    const c = await newCaller("refund-first");
    const id = await checkout(c, 25);
    const completed = stripe.pay(id);
    const refunded = stripe.refund(id, 2500);
    // Stripe does not guarantee order: the refund's event arrives first, the purchase's after.
    const [early] = await stripe.deliver(refunded);
    expect(statuses(await stripe.deliver(completed))).toEqual([200]);
    // Stripe retries a delivery that was not acknowledged with 2xx; do what it would.
    if (early!.status < 200 || early!.status >= 300) expect(statuses(await stripe.deliver(refunded))).toEqual([200]);

    // Finance's view: the customer has their $25 back, so the credits are gone.
    expect(await balanceOf(c.id)).toBe(0);
    expect((await entries(c.id)).map((e) => [e.type, e.amount])).toEqual([
      ["PURCHASE", "25000000"],
      ["REFUND", "-25000000"],
    ]);
  });
});
