/**
 * A local stand-in for Stripe, for tests and the browser purchase flow: it answers the SDK's
 * `POST /v1/checkout/sessions` (form-encoded, as the SDK sends it), serves a hosted "checkout"
 * page whose Pay button completes the payment, and delivers webhooks signed exactly as Stripe
 * signs them (the SDK's test header helper), so the app's signature check is the real one.
 *
 * It also answers the read calls reconciliation makes through the SDK, shaped as Stripe's API
 * shapes them: `GET /v1/checkout/sessions`, `/v1/charges`, `/v1/refunds` (list envelope, newest
 * first, `created[gt|gte|lt|lte]` or an exact `created`, `limit` 1..100, `starting_after` /
 * `ending_before` cursors) and `GET .../:id` (404 `resource_missing` when unknown). Every `/v1/` call
 * needs `Authorization: Bearer <secretKey>`. Objects are stamped with `created` from `now()`, which a
 * test may replace to place sessions, charges and refunds in the past.
 *
 * Run directly (`PORT=12111 WEBHOOK_URL=http://localhost:3000/api/stripe/webhook WEBHOOK_SECRET=whsec_x
 * npx tsx tests/doubles/stripe-server.ts`) it serves until killed; `DROP_WEBHOOKS=1` starts it with
 * `dropWebhooks` on.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import Stripe from "stripe";

export type FakeSession = {
  id: string;
  object: "checkout.session";
  url: string;
  mode: "payment";
  status: "open" | "complete";
  payment_status: "unpaid" | "paid";
  /** Unix seconds, from the double's `now()` when the session was created. */
  created: number;
  amount_total: number;
  currency: string;
  customer_email: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  success_url: string;
  cancel_url: string;
  payment_intent: string;
  /** Not Stripe's: the charge this double created when the session was paid. */
  charge: FakeCharge | null;
  paymentIntentMetadata: Record<string, string>;
};

export type FakeCharge = {
  id: string;
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: true;
  /** Unix seconds: when the session was paid. */
  created: number;
  currency: string;
  livemode: false;
  metadata: Record<string, string>;
  paid: true;
  payment_intent: string;
  refunded: boolean;
  status: "succeeded";
};

export type FakeRefund = {
  id: string;
  object: "refund";
  amount: number;
  charge: string;
  /** Unix seconds. */
  created: number;
  currency: string;
  metadata: Record<string, string>;
  payment_intent: string;
  reason: null;
  status: "succeeded";
};

type SignedEvent = { id: string; payload: string; signature: string };

export type StripeDouble = {
  url: string;
  secretKey: string;
  webhookSecret: string;
  sessions: Map<string, FakeSession>;
  /** Charges, by id, created when sessions are paid. */
  charges: Map<string, FakeCharge>;
  /** Refunds, by id, created by `refund()`. */
  refunds: Map<string, FakeRefund>;
  /**
   * The double's clock: stamps `created` on sessions (at `POST /v1/checkout/sessions`), charges,
   * refunds and events. Replace it to backdate (`double.now = () => new Date("2025-02-10T12:00:00Z")`).
   */
  now: () => Date;
  /** When true, the hosted pay page pays the session but delivers no webhook (it goes to `dropped`). */
  dropWebhooks: boolean;
  /** Events the pay page did not deliver because `dropWebhooks` was on, oldest first. */
  dropped: SignedEvent[];
  /** Where events go; settable after start (the app's port may be known only later). */
  webhookUrl: string | null;
  /** Builds a signed event; `deliver` posts it (once, or several times concurrently). */
  event(type: string, object: unknown): SignedEvent;
  deliver(
    ev: { payload: string; signature: string },
    opts?: { times?: number },
  ): Promise<{ status: number; body: string }[]>;
  /**
   * Marks the session paid and returns its checkout.session.completed event (not delivered).
   * The charge it creates (once) is stamped `at`, default `now()`.
   */
  pay(sessionId: string, opts?: { at?: Date }): SignedEvent;
  /**
   * Refunds `cents` more of the session's charge (capped at what is left), records a Refund of the
   * amount actually refunded (stamped `at`, default `now()`; none when nothing was left) and
   * returns the charge.refunded event (not delivered).
   */
  refund(sessionId: string, cents: number, opts?: { at?: Date }): SignedEvent;
  close(): Promise<void>;
};

const SECRET_KEY = "sk_test_switchyard_double";

function nested(form: URLSearchParams): Record<string, unknown> {
  // Stripe's form encoding: a[b][0][c]=v → {a:{b:[{c:v}]}}.
  const out: Record<string, unknown> = {};
  for (const [key, value] of form) {
    const parts = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

/** Stripe's error envelope; the SDK turns 400/404 into StripeInvalidRequestError, 401 into StripeAuthenticationError. */
class StripeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { code?: string; param?: string } = {},
  ) {
    super(message);
  }
  get body() {
    const doc = this.extra.code
      ? { doc_url: `https://stripe.com/docs/error-codes/${this.extra.code.replace(/_/g, "-")}` }
      : {};
    return { error: { type: "invalid_request_error", ...this.extra, ...doc, message: this.message } };
  }
}
const missing = (kind: string, id: string, param: string) =>
  new StripeApiError(404, `No such ${kind}: '${id}'`, { code: "resource_missing", param });
const invalid = (param: string, message: string) => new StripeApiError(400, message, { param });

// Creation order, to order objects created within the same second (newest first, as Stripe lists).
const sequence = new WeakMap<object, number>();
let nextSeq = 0;
const stamp = <T extends object>(o: T): T => (sequence.set(o, nextSeq++), o);

type Listable = { id: string; created: number };
type ListSpec<T extends Listable> = {
  /** The Stripe name for a missing-object message, e.g. "checkout.session". */
  kind: string;
  url: string;
  items: Iterable<T>;
  /** Filters this endpoint takes besides created/limit/cursors, each matching one string value. */
  filters: Record<string, (item: T, value: string) => boolean>;
  /** Real Stripe filters the double does not model: refused loudly rather than ignored. */
  unmodelled: string[];
  wire: (item: T) => unknown;
};

function integer(param: string, value: unknown): number {
  if (typeof value !== "string" || !/^-?\d+$/.test(value))
    throw invalid(param, `Invalid integer: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  return Number(value);
}

function createdFilter(value: unknown): (created: number) => boolean {
  if (typeof value === "string") {
    const exact = integer("created", value);
    return (c) => c === exact;
  }
  const range = value as Record<string, unknown>;
  const tests: ((c: number) => boolean)[] = [];
  for (const [op, raw] of Object.entries(range)) {
    const bound = integer(`created[${op}]`, raw);
    if (op === "gt") tests.push((c) => c > bound);
    else if (op === "gte") tests.push((c) => c >= bound);
    else if (op === "lt") tests.push((c) => c < bound);
    else if (op === "lte") tests.push((c) => c <= bound);
    else throw new StripeApiError(400, `Received unknown parameter: created[${op}]`, { param: `created[${op}]` });
  }
  return (c) => tests.every((t) => t(c));
}

/** A Stripe list page: `{object: "list", data, has_more, url}`, newest first. */
function listPage<T extends Listable>(query: Record<string, unknown>, spec: ListSpec<T>) {
  const matchers: ((item: T) => boolean)[] = [];
  let limit = 10;
  let startingAfter: string | undefined;
  let endingBefore: string | undefined;
  for (const [key, value] of Object.entries(query)) {
    if (key === "limit") {
      limit = integer("limit", value);
      if (limit < 1) throw invalid("limit", "This value must be greater than or equal to 1.");
      if (limit > 100) throw invalid("limit", "This value must be less than or equal to 100.");
    } else if (key === "starting_after" || key === "ending_before") {
      if (typeof value !== "string") throw invalid(key, `Invalid string: ${JSON.stringify(value)}`);
      if (value === "") continue;
      if (key === "starting_after") startingAfter = value;
      else endingBefore = value;
    } else if (key === "created") {
      const test = createdFilter(value);
      matchers.push((item) => test(item.created));
    } else if (key === "expand") {
      if (Object.keys(value as object).length)
        throw invalid("expand", "The Stripe double does not expand objects; read the ids and retrieve them instead");
    } else if (spec.filters[key]) {
      if (typeof value !== "string") throw invalid(key, `Invalid string: ${JSON.stringify(value)}`);
      const filter = spec.filters[key]!;
      matchers.push((item) => filter(item, value));
    } else if (spec.unmodelled.includes(key)) {
      throw invalid(key, `The Stripe double does not model the ${key} filter of ${spec.url}`);
    } else {
      throw invalid(key, `Received unknown parameter: ${key}`);
    }
  }
  if (startingAfter && endingBefore)
    throw new StripeApiError(400, "You may only specify one of these parameters: ending_before, starting_after.");

  const all = [...spec.items].sort((a, b) => b.created - a.created || (sequence.get(b) ?? 0) - (sequence.get(a) ?? 0));
  const matches = (item: T) => matchers.every((m) => m(item));
  const at = (id: string, param: string) => {
    const i = all.findIndex((item) => item.id === id);
    if (i < 0) throw missing(spec.kind, id, param);
    return i;
  };
  let data: T[];
  let hasMore: boolean;
  if (endingBefore) {
    // The `limit` objects just newer than the cursor, still newest first; has_more: newer ones remain.
    const newer = all.slice(0, at(endingBefore, "ending_before")).filter(matches);
    data = newer.slice(Math.max(0, newer.length - limit));
    hasMore = newer.length > limit;
  } else {
    const older = (startingAfter ? all.slice(at(startingAfter, "starting_after") + 1) : all).filter(matches);
    data = older.slice(0, limit);
    hasMore = older.length > limit;
  }
  return { object: "list", data: data.map(spec.wire), has_more: hasMore, url: spec.url };
}

/** The session as Stripe sends it (without the double's own bookkeeping). */
function sessionWire(s: FakeSession) {
  const { charge: _c, paymentIntentMetadata: _m, ...wire } = s;
  return wire;
}

export async function startStripeDouble(
  opts: { port?: number; webhookUrl?: string | null; webhookSecret?: string; dropWebhooks?: boolean } = {},
): Promise<StripeDouble> {
  const webhookSecret = opts.webhookSecret ?? `whsec_${randomBytes(16).toString("hex")}`;
  const stripe = new Stripe(SECRET_KEY);
  const sessions = new Map<string, FakeSession>();
  const charges = new Map<string, FakeCharge>();
  const refunds = new Map<string, FakeRefund>();
  let base = "";

  const signed = (type: string, object: unknown, created: Date): SignedEvent => {
    const id = rid("evt");
    const payload = JSON.stringify({
      id,
      object: "event",
      type,
      api_version: "2025-01-01",
      created: unix(created),
      livemode: false,
      data: { object },
    });
    return { id, payload, signature: stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }) };
  };

  const self: StripeDouble = {
    url: "",
    secretKey: SECRET_KEY,
    webhookSecret,
    sessions,
    charges,
    refunds,
    now: () => new Date(),
    dropWebhooks: opts.dropWebhooks ?? false,
    dropped: [],
    webhookUrl: opts.webhookUrl ?? null,
    event(type, object) {
      return signed(type, object, self.now());
    },
    async deliver(ev, { times = 1 } = {}) {
      if (!self.webhookUrl) throw new Error("no webhook URL set");
      return Promise.all(
        Array.from({ length: times }, async () => {
          const res = await fetch(self.webhookUrl!, {
            method: "POST",
            headers: { "content-type": "application/json", "stripe-signature": ev.signature },
            body: ev.payload,
          });
          return { status: res.status, body: await res.text() };
        }),
      );
    },
    pay(sessionId, { at } = {}) {
      const s = sessions.get(sessionId);
      if (!s) throw new Error(`no session ${sessionId}`);
      const when = at ?? self.now();
      s.status = "complete";
      s.payment_status = "paid";
      if (!s.charge) {
        const charge: FakeCharge = stamp({
          id: rid("ch"),
          object: "charge",
          amount: s.amount_total,
          amount_captured: s.amount_total,
          amount_refunded: 0,
          captured: true,
          created: unix(when),
          currency: s.currency,
          livemode: false,
          metadata: s.paymentIntentMetadata,
          paid: true,
          payment_intent: s.payment_intent,
          refunded: false,
          status: "succeeded",
        });
        s.charge = charge;
        charges.set(charge.id, charge);
      }
      return signed("checkout.session.completed", sessionWire(s), when);
    },
    refund(sessionId, cents, { at } = {}) {
      const charge = sessions.get(sessionId)?.charge;
      if (!charge) throw new Error(`session ${sessionId} has no charge`);
      const when = at ?? self.now();
      const before = charge.amount_refunded;
      charge.amount_refunded = Math.min(charge.amount, charge.amount_refunded + cents);
      charge.refunded = charge.amount_refunded === charge.amount;
      if (charge.amount_refunded > before) {
        const refund: FakeRefund = stamp({
          id: rid("re"),
          object: "refund",
          amount: charge.amount_refunded - before,
          charge: charge.id,
          created: unix(when),
          currency: charge.currency,
          metadata: {},
          payment_intent: charge.payment_intent,
          reason: null,
          status: "succeeded",
        });
        refunds.set(refund.id, refund);
      }
      return signed("charge.refunded", { ...charge }, when);
    },
    close: () => new Promise((r) => server.close(() => r())),
  };

  async function api(req: IncomingMessage, url: URL): Promise<[number, unknown]> {
    const auth = req.headers.authorization;
    if (!auth)
      throw new StripeApiError(
        401,
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    if (auth !== `Bearer ${SECRET_KEY}`)
      throw new StripeApiError(
        401,
        `Invalid API Key provided: ${auth.replace(/^Bearer\s+/i, "").replace(/^(.{8}).*(.{4})$/, "$1****$2")}`,
      );
    const path = url.pathname.replace(/\/+$/, "");
    if (req.method === "POST" && path === "/v1/checkout/sessions") {
      const p = nested(new URLSearchParams(await body(req))) as Record<string, any>;
      const items = Object.values((p.line_items ?? {}) as Record<string, any>);
      const amount = items.reduce(
        (sum, li) => sum + Number(li.price_data?.unit_amount ?? 0) * Number(li.quantity ?? 1),
        0,
      );
      if (!amount || !p.success_url) throw new StripeApiError(400, "line_items and success_url are required");
      const id = rid("cs_test");
      const session: FakeSession = stamp({
        id,
        object: "checkout.session",
        url: `${base}/pay/${id}`,
        mode: "payment",
        status: "open",
        payment_status: "unpaid",
        created: unix(self.now()),
        amount_total: amount,
        currency: items[0]?.price_data?.currency ?? "usd",
        customer_email: p.customer_email ?? null,
        client_reference_id: p.client_reference_id ?? null,
        metadata: p.metadata ?? {},
        success_url: p.success_url,
        cancel_url: p.cancel_url,
        payment_intent: rid("pi"),
        charge: null,
        paymentIntentMetadata: p.payment_intent_data?.metadata ?? {},
      });
      sessions.set(id, session);
      return [200, sessionWire(session)];
    }
    if (req.method === "GET") {
      const query = nested(url.searchParams);
      if (path === "/v1/checkout/sessions") {
        const status = query.status;
        if (status !== undefined && !["open", "complete", "expired"].includes(status as string))
          throw invalid("status", "Invalid status: must be one of complete, expired, or open");
        return [
          200,
          listPage(query, {
            kind: "checkout.session",
            url: path,
            items: sessions.values(),
            wire: sessionWire,
            filters: { status: (s, v) => s.status === v, payment_intent: (s, v) => s.payment_intent === v },
            unmodelled: ["customer", "customer_account", "customer_details", "payment_link", "subscription"],
          }),
        ];
      }
      if (path === "/v1/charges") {
        return [
          200,
          listPage(query, {
            kind: "charge",
            url: path,
            items: charges.values(),
            wire: (c) => ({ ...c }),
            filters: { payment_intent: (c, v) => c.payment_intent === v },
            unmodelled: ["customer", "transfer_group"],
          }),
        ];
      }
      if (path === "/v1/refunds") {
        return [
          200,
          listPage(query, {
            kind: "refund",
            url: path,
            items: refunds.values(),
            wire: (r) => ({ ...r }),
            filters: { charge: (r, v) => r.charge === v, payment_intent: (r, v) => r.payment_intent === v },
            unmodelled: [],
          }),
        ];
      }
      const one = /^\/v1\/(checkout\/sessions|charges|refunds)\/([^/]+)$/.exec(path);
      if (one) {
        const id = decodeURIComponent(one[2]!);
        if (one[1] === "checkout/sessions") {
          const s = sessions.get(id);
          if (!s) throw missing("checkout.session", id, "id");
          return [200, sessionWire(s)];
        }
        const found = one[1] === "charges" ? charges.get(id) : refunds.get(id);
        if (!found) throw missing(one[1] === "charges" ? "charge" : "refund", id, "id");
        return [200, { ...found }];
      }
    }
    throw new StripeApiError(
      404,
      `Unrecognized request URL (${req.method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    );
  }

  // How many of the next hosted-page payments lose their webhook (POST /__double/drop-next-webhook).
  let dropNext = 0;
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", base);
      if (url.pathname.startsWith("/v1/")) {
        try {
          const [status, value] = await api(req, url);
          return json(res, status, value);
        } catch (err) {
          if (err instanceof StripeApiError) return json(res, err.status, err.body);
          throw err;
        }
      }
      // Test controls for a double in another process (the browser tests'): not Stripe's API.
      if (req.method === "POST" && url.pathname.startsWith("/__double/")) {
        if (req.headers.authorization !== `Bearer ${SECRET_KEY}`)
          return json(res, 401, { error: { message: "the double's secret key is required" } });
        if (url.pathname === "/__double/drop-next-webhook") {
          dropNext++;
          return json(res, 200, { drop_next: dropNext });
        }
        if (url.pathname === "/__double/deliver-dropped") {
          const events = self.dropped.splice(0);
          const results = [];
          for (const e of events) results.push(...(await self.deliver(e)));
          return json(res, 200, { delivered: results.map((r) => r.status) });
        }
      }
      const pay = /^\/pay\/([^/]+)$/.exec(url.pathname);
      if (pay) {
        const s = sessions.get(pay[1]!);
        if (!s) return json(res, 404, { error: { message: "no such session" } });
        if (req.method === "GET") {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
            `<!doctype html><title>Checkout</title><main style="font-family:sans-serif;max-width:28rem;margin:4rem auto">
             <h1>Test checkout</h1><p>Switchyard credits: <strong>$${(s.amount_total / 100).toFixed(2)}</strong></p>
             <form method="post"><button type="submit">Pay $${(s.amount_total / 100).toFixed(2)}</button></form>
             <p><a href="${s.cancel_url}">Cancel</a></p></main>`,
          );
          return;
        }
        // Pay: as Stripe does, the webhook goes out (unless dropped) and the browser is sent back to success_url.
        const event = self.pay(s.id);
        if (self.dropWebhooks || dropNext > 0) {
          dropNext = Math.max(0, dropNext - 1);
          self.dropped.push(event);
        } else if (self.webhookUrl) await self.deliver(event);
        res.writeHead(303, { location: s.success_url.replace("{CHECKOUT_SESSION_ID}", s.id) }).end();
        return;
      }
      json(res, 404, {
        error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method} ${url.pathname})` },
      });
    } catch (err) {
      json(res, 500, { error: { type: "api_error", message: String(err) } });
    }
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  self.url = base;
  return self;
}

function isMain(): boolean {
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1] ?? "")).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  const double = await startStripeDouble({
    port: Number(process.env.PORT ?? 12111),
    webhookUrl: process.env.WEBHOOK_URL ?? null,
    webhookSecret: process.env.WEBHOOK_SECRET,
    dropWebhooks: process.env.DROP_WEBHOOKS === "1",
  });
  console.log(
    `stripe double on ${double.url} (webhooks to ${double.webhookUrl ?? "nowhere"}${double.dropWebhooks ? ", dropped" : ""})`,
  );
}
