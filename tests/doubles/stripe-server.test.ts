// The Stripe double answers the read calls finance reconciliation makes, as Stripe's API answers
// them: everything here goes through the official SDK (lib/stripe/client.ts), creating sessions with
// the app's own createCheckout, so a shape or encoding the SDK would not accept fails here.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckout } from "../../lib/stripe/checkout.ts";
import { stripeClient } from "../../lib/stripe/client.ts";
import { startStripeDouble, type StripeDouble } from "./stripe-server.ts";

let double: StripeDouble;
let sdk: Stripe;

const at = (iso: string) => new Date(iso);
const sec = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** A credit purchase, created through the SDK with the app's parameters, at `when` on the double's clock. */
async function purchase(usd: number, when?: string, user = "user_recon"): Promise<string> {
  if (when) double.now = () => at(when);
  try {
    return (
      await createCheckout(sdk, {
        userId: user,
        email: `${user}@example.test`,
        amountUsd: usd,
        origin: "http://app.test",
      })
    ).session_id;
  } finally {
    double.now = () => new Date();
  }
}

/** Counts the SDK's HTTP requests, so pagination is seen to fetch page by page. */
function countRequests(client: Stripe): { readonly n: number; stop(): void } {
  let n = 0;
  const on = () => void n++;
  client.on("request", on);
  return {
    get n() {
      return n;
    },
    stop: () => client.off("request", on),
  };
}

// The scenario: purchases across a month boundary; February is [2025-02-01, 2025-03-01).
const FEB = { gte: sec("2025-02-01T00:00:00Z"), lt: sec("2025-03-01T00:00:00Z") };
const ids: Record<"jan31" | "feb1" | "feb3" | "feb10" | "feb14a" | "feb14b" | "feb28" | "mar1" | "today", string> =
  {} as never;

beforeAll(async () => {
  double = await startStripeDouble();
  sdk = stripeClient({ secretKey: double.secretKey, webhookSecret: null, apiBase: double.url });
  ids.jan31 = await purchase(10, "2025-01-31T23:59:59Z");
  ids.feb1 = await purchase(25, "2025-02-01T00:00:00Z");
  ids.feb3 = await purchase(50, "2025-02-03T10:00:00Z"); // never paid
  ids.feb10 = await purchase(20, "2025-02-10T12:00:00Z");
  ids.feb14a = await purchase(5, "2025-02-14T00:00:00Z");
  ids.feb14b = await purchase(6, "2025-02-14T00:00:00Z"); // same second: listed before feb14a (created later)
  ids.feb28 = await purchase(100, "2025-02-28T23:59:59Z");
  ids.mar1 = await purchase(30, "2025-03-01T00:00:00Z");
  ids.today = await purchase(15); // the real clock; never paid

  // Paid a few minutes after creation (pay() returns the event and delivers nothing: a dropped webhook).
  for (const key of ["jan31", "feb1", "feb10", "feb14a", "feb14b", "feb28", "mar1"] as const) {
    const created = double.sessions.get(ids[key])!.created;
    double.pay(ids[key], { at: new Date((created + 300) * 1000) });
  }
  // $20 purchase refunded in two parts: $5 in February, $7 in March.
  double.refund(ids.feb10, 500, { at: at("2025-02-11T09:00:00Z") });
  double.now = () => at("2025-03-02T09:00:00Z");
  double.refund(ids.feb10, 700);
  double.now = () => new Date();
});
afterAll(async () => {
  await double?.close();
});

const februaryNewestFirst = () => [ids.feb28, ids.feb14b, ids.feb14a, ids.feb10, ids.feb3, ids.feb1];

describe("checkout sessions", () => {
  it("are stamped with created from the double's clock (the real one by default)", async () => {
    const session = await sdk.checkout.sessions.retrieve(ids.feb10);
    expect(session.created).toBe(sec("2025-02-10T12:00:00Z"));
    const today = await sdk.checkout.sessions.retrieve(ids.today);
    expect(Math.abs(today.created - Date.now() / 1000)).toBeLessThan(60);
  });

  it("retrieve returns the session as created, with its payment state and no double bookkeeping", async () => {
    const paid = await sdk.checkout.sessions.retrieve(ids.feb10);
    expect(paid).toMatchObject({
      id: ids.feb10,
      object: "checkout.session",
      mode: "payment",
      status: "complete",
      payment_status: "paid",
      amount_total: 2000,
      currency: "usd",
      client_reference_id: "user_recon",
      customer_email: "user_recon@example.test",
      metadata: { user_id: "user_recon", amount_micros: "20000000" },
      payment_intent: expect.stringMatching(/^pi_/),
      created: sec("2025-02-10T12:00:00Z"),
    });
    expect(paid).not.toHaveProperty("charge");
    expect(paid).not.toHaveProperty("paymentIntentMetadata");
    expect(await sdk.checkout.sessions.retrieve(ids.feb3)).toMatchObject({
      status: "open",
      payment_status: "unpaid",
      amount_total: 5000,
    });
  });

  it("retrieve of an unknown id is Stripe's 404 resource_missing, surfaced as StripeInvalidRequestError", async () => {
    const err = await sdk.checkout.sessions.retrieve("cs_test_nope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({
      type: "StripeInvalidRequestError",
      rawType: "invalid_request_error",
      statusCode: 404,
      code: "resource_missing",
      param: "id",
      message: "No such checkout.session: 'cs_test_nope'",
    });
  });

  it("list: the list envelope, newest first, default limit 10", async () => {
    const page = await sdk.checkout.sessions.list();
    expect(page).toMatchObject({ object: "list", has_more: false, url: "/v1/checkout/sessions" });
    expect(page.data.map((s) => s.id)).toEqual([ids.today, ids.mar1, ...februaryNewestFirst(), ids.jan31]);
    for (let i = 0; i < 11; i++) await purchase(5, "2024-06-01T00:00:00Z", "user_filler");
    const capped = await sdk.checkout.sessions.list();
    expect(capped.data).toHaveLength(10);
    expect(capped.has_more).toBe(true);
    // The filler sits before everything else in time, so the ranges below never see it.
  });

  it("list filters by created range: gte/lt (February), gt/lte, an exact second", async () => {
    const feb = await sdk.checkout.sessions.list({ created: FEB, limit: 100 });
    expect(feb.data.map((s) => s.id)).toEqual(februaryNewestFirst());
    expect(feb.has_more).toBe(false);
    // gt excludes the bound and lte includes it.
    const gtLte = await sdk.checkout.sessions.list({
      created: { gt: sec("2025-02-01T00:00:00Z"), lte: sec("2025-03-01T00:00:00Z") },
      limit: 100,
    });
    expect(gtLte.data.map((s) => s.id)).toEqual([ids.mar1, ids.feb28, ids.feb14b, ids.feb14a, ids.feb10, ids.feb3]);
    const second = await sdk.checkout.sessions.list({ created: sec("2025-02-14T00:00:00Z") });
    expect(second.data.map((s) => s.id)).toEqual([ids.feb14b, ids.feb14a]);
    expect((await sdk.checkout.sessions.list({ created: { gte: sec("2030-01-01T00:00:00Z") } })).data).toEqual([]);
  });

  it("list filters by status and payment_intent, combined with created", async () => {
    const open = await sdk.checkout.sessions.list({ created: FEB, status: "open" });
    expect(open.data.map((s) => s.id)).toEqual([ids.feb3]);
    const complete = await sdk.checkout.sessions.list({ created: FEB, status: "complete" });
    expect(complete.data.map((s) => s.id)).toEqual(februaryNewestFirst().filter((id) => id !== ids.feb3));
    expect((await sdk.checkout.sessions.list({ status: "expired" })).data).toEqual([]);
    const pi = double.sessions.get(ids.feb10)!.payment_intent;
    expect((await sdk.checkout.sessions.list({ payment_intent: pi })).data.map((s) => s.id)).toEqual([ids.feb10]);
    expect(
      (await sdk.checkout.sessions.list({ payment_intent: pi, created: { lt: sec("2025-02-01T00:00:00Z") } })).data,
    ).toEqual([]);
  });

  it("paginates with starting_after, page by page", async () => {
    const p1 = await sdk.checkout.sessions.list({ created: FEB, limit: 4 });
    expect(p1.data.map((s) => s.id)).toEqual(februaryNewestFirst().slice(0, 4));
    expect(p1.has_more).toBe(true);
    const p2 = await sdk.checkout.sessions.list({ created: FEB, limit: 4, starting_after: p1.data.at(-1)!.id });
    expect(p2.data.map((s) => s.id)).toEqual(februaryNewestFirst().slice(4));
    expect(p2.has_more).toBe(false);
    // A full last page: has_more is false, not a promise of an empty page.
    const q1 = await sdk.checkout.sessions.list({ created: FEB, limit: 3 });
    const q2 = await sdk.checkout.sessions.list({ created: FEB, limit: 3, starting_after: q1.data.at(-1)!.id });
    expect([q1.has_more, q2.has_more]).toEqual([true, false]);
    expect(q2.data).toHaveLength(3);
  });

  it("paginates backwards with ending_before: the objects just newer than the cursor, newest first", async () => {
    const page = await sdk.checkout.sessions.list({ created: FEB, limit: 2, ending_before: ids.feb3 });
    expect(page.data.map((s) => s.id)).toEqual([ids.feb14a, ids.feb10]);
    expect(page.has_more).toBe(true);
    const last = await sdk.checkout.sessions.list({ created: FEB, limit: 2, ending_before: ids.feb14a });
    expect(last.data.map((s) => s.id)).toEqual([ids.feb28, ids.feb14b]);
    expect(last.has_more).toBe(false);
  });

  it("auto-pagination walks every page of a created range (for await, autoPagingToArray, reverse)", async () => {
    const requests = countRequests(sdk);
    try {
      const seen: string[] = [];
      for await (const s of sdk.checkout.sessions.list({ created: FEB, limit: 3 })) seen.push(s.id);
      expect(seen).toEqual(februaryNewestFirst());
      expect(requests.n).toBe(2);
      const all = await sdk.checkout.sessions.list({ created: FEB, limit: 1 }).autoPagingToArray({ limit: 100 });
      expect(all.map((s) => s.id)).toEqual(februaryNewestFirst());
      expect(requests.n).toBe(2 + 6);
      // Backwards from the oldest: the SDK yields oldest first.
      const back: string[] = [];
      for await (const s of sdk.checkout.sessions.list({ created: FEB, limit: 2, ending_before: ids.feb1 }))
        back.push(s.id);
      expect(back).toEqual(februaryNewestFirst().slice(0, 5).reverse());
    } finally {
      requests.stop();
    }
  });

  it("bad list parameters are Stripe's 400s", async () => {
    const fails = async (params: Record<string, unknown>) =>
      (await sdk.checkout.sessions
        .list(params as Stripe.Checkout.SessionListParams)
        .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    for (const [params, param] of [
      [{ limit: 0 }, "limit"],
      [{ limit: 101 }, "limit"],
      [{ created: { gte: "soon" } }, "created[gte]"],
      [{ created: { after: 1 } }, "created[after]"],
      [{ status: "paid" }, "status"],
      [{ charge: "ch_x" }, "charge"],
      [{ starting_after: "cs_test_nope" }, "starting_after"],
    ] as const) {
      const err = await fails(params);
      expect(err, JSON.stringify(params)).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(err.param, JSON.stringify(params)).toBe(param);
    }
    expect(await fails({ starting_after: ids.feb1, ending_before: ids.feb3 })).toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
    expect((await sdk.checkout.sessions.list({ limit: 100 })).data.length).toBeGreaterThan(10);
  });

  it("every read needs the secret key: a wrong key is StripeAuthenticationError, no key a 401", async () => {
    const wrong = stripeClient({ secretKey: "sk_test_wrong_key_1234", webhookSecret: null, apiBase: double.url });
    for (const call of [
      () => wrong.checkout.sessions.list(),
      () => wrong.checkout.sessions.retrieve(ids.feb1),
      () => wrong.charges.list(),
      () => wrong.refunds.list(),
      () => wrong.charges.retrieve("ch_x"),
      () => wrong.refunds.retrieve("re_x"),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      expect(err).toMatchObject({ statusCode: 401 });
    }
    for (const path of ["/v1/checkout/sessions", `/v1/checkout/sessions/${ids.feb1}`, "/v1/charges", "/v1/refunds"]) {
      const res = await fetch(`${double.url}${path}`);
      expect(res.status, path).toBe(401);
      expect((await res.json()).error.type).toBe("invalid_request_error");
    }
  });
});

describe("charges", () => {
  it("one per paid session, stamped when paid; list filters by created and payment_intent; retrieve and 404", async () => {
    const feb = await sdk.charges.list({ created: FEB, limit: 2 }).autoPagingToArray({ limit: 100 });
    // Paid 5 minutes after creation: Feb 28 23:59:59 falls in March and Jan 31 23:59:59 in February.
    const sessionsPaidInFeb = [ids.feb14b, ids.feb14a, ids.feb10, ids.feb1, ids.jan31];
    expect(feb.map((c) => c.payment_intent)).toEqual(
      sessionsPaidInFeb.map((id) => double.sessions.get(id)!.payment_intent),
    );
    const janSession = double.sessions.get(ids.jan31)!;
    const [janCharge] = (await sdk.charges.list({ payment_intent: janSession.payment_intent as string })).data;
    expect(janCharge).toMatchObject({
      object: "charge",
      amount: 1000,
      amount_refunded: 0,
      refunded: false,
      status: "succeeded",
      paid: true,
      currency: "usd",
      created: janSession.created + 300,
      metadata: { user_id: "user_recon" },
    });
    expect((await sdk.charges.list({ created: { lt: FEB.gte } })).data).toEqual([]);
    const refunded = await sdk.charges.retrieve(double.sessions.get(ids.feb10)!.charge!.id);
    expect(refunded).toMatchObject({
      amount: 2000,
      amount_refunded: 1200,
      refunded: false,
      payment_intent: double.sessions.get(ids.feb10)!.payment_intent,
    });
    const err = await sdk.charges.retrieve("ch_nope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({
      statusCode: 404,
      code: "resource_missing",
      param: "id",
      message: "No such charge: 'ch_nope'",
    });
  });
});

describe("refunds", () => {
  it("each refund() is a Refund object; list by charge (newest first), by payment_intent, by created; retrieve and 404", async () => {
    const session = double.sessions.get(ids.feb10)!;
    const chargeId = session.charge!.id;
    const byCharge = await sdk.refunds.list({ charge: chargeId });
    expect(byCharge).toMatchObject({ object: "list", has_more: false, url: "/v1/refunds" });
    expect(byCharge.data).toMatchObject([
      {
        object: "refund",
        amount: 700,
        charge: chargeId,
        payment_intent: session.payment_intent,
        currency: "usd",
        status: "succeeded",
        created: sec("2025-03-02T09:00:00Z"),
      },
      {
        object: "refund",
        amount: 500,
        charge: chargeId,
        payment_intent: session.payment_intent,
        currency: "usd",
        status: "succeeded",
        created: sec("2025-02-11T09:00:00Z"),
      },
    ]);
    expect(byCharge.data.every((r) => /^re_/.test(r.id))).toBe(true);
    // The refunds add up to the charge's amount_refunded.
    expect(byCharge.data.reduce((sum, r) => sum + r.amount, 0)).toBe(
      (await sdk.charges.retrieve(chargeId)).amount_refunded,
    );
    expect(
      (await sdk.refunds.list({ payment_intent: session.payment_intent as string })).data.map((r) => r.id),
    ).toEqual(byCharge.data.map((r) => r.id));
    expect((await sdk.refunds.list({ created: FEB })).data.map((r) => r.amount)).toEqual([500]);
    expect((await sdk.refunds.list({ charge: double.sessions.get(ids.feb1)!.charge!.id })).data).toEqual([]);
    expect(await sdk.refunds.retrieve(byCharge.data[1]!.id)).toMatchObject({ amount: 500, charge: chargeId });
    const err = await sdk.refunds.retrieve("re_nope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ statusCode: 404, code: "resource_missing", param: "id" });
  });

  it("refund() still returns the charge.refunded event (cumulative amount_refunded); a refund past the charge records only what was left", async () => {
    const id = await purchase(10);
    double.pay(id);
    const first = JSON.parse(double.refund(id, 400).payload);
    expect(first).toMatchObject({
      type: "charge.refunded",
      data: { object: { object: "charge", amount: 1000, amount_refunded: 400, refunded: false } },
    });
    const rest = JSON.parse(double.refund(id, 5000).payload);
    expect(rest.data.object).toMatchObject({ amount_refunded: 1000, refunded: true });
    JSON.parse(double.refund(id, 100).payload); // nothing left: no Refund
    const chargeId = double.sessions.get(id)!.charge!.id;
    expect((await sdk.refunds.list({ charge: chargeId })).data.map((r) => r.amount)).toEqual([600, 400]);
  });
});

describe("dropped webhooks", () => {
  let receiver: Server;
  const received: { signature: string; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      received.push({ signature: String(req.headers["stripe-signature"]), body });
      res.writeHead(200).end("{}");
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    double.webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    double.webhookUrl = null;
    double.dropWebhooks = false;
    await new Promise((r) => receiver.close(r));
  });

  /** What the browser does on the hosted page: POST the Pay form, get sent to success_url. */
  async function payInBrowser(sessionId: string) {
    const session = await sdk.checkout.sessions.retrieve(sessionId);
    const res = await fetch(session.url!, { method: "POST", redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`http://app.test/credits/success?session_id=${sessionId}`);
  }

  it("with dropWebhooks the hosted page pays the session but delivers nothing; the event can be delivered later", async () => {
    double.dropWebhooks = true;
    const id = await purchase(25);
    await payInBrowser(id);
    expect(await sdk.checkout.sessions.retrieve(id)).toMatchObject({ status: "complete", payment_status: "paid" });
    expect((await sdk.charges.list({ payment_intent: double.sessions.get(id)!.payment_intent })).data).toHaveLength(1);
    expect(received).toHaveLength(0);
    const lost = double.dropped.at(-1)!;
    expect(JSON.parse(lost.payload)).toMatchObject({
      type: "checkout.session.completed",
      data: { object: { id, payment_status: "paid" } },
    });
    // Stripe's retry, much later: a genuine signed event.
    await double.deliver(lost);
    expect(received).toHaveLength(1);
    expect(sdk.webhooks.constructEvent(received[0]!.body, received[0]!.signature, double.webhookSecret).id).toBe(
      lost.id,
    );
  });

  it("without it the hosted page delivers the webhook as before", async () => {
    double.dropWebhooks = false;
    const dropped = double.dropped.length;
    const id = await purchase(25);
    await payInBrowser(id);
    expect(received).toHaveLength(2);
    expect(JSON.parse(received[1]!.body)).toMatchObject({
      type: "checkout.session.completed",
      data: { object: { id } },
    });
    expect(double.dropped).toHaveLength(dropped);
  });
});
