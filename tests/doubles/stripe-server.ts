/**
 * A local stand-in for Stripe, for tests and the browser purchase flow: it answers the SDK's
 * `POST /v1/checkout/sessions` (form-encoded, as the SDK sends it), serves a hosted "checkout"
 * page whose Pay button completes the payment, and delivers webhooks signed exactly as Stripe
 * signs them (the SDK's test header helper), so the app's signature check is the real one.
 *
 * Run directly (`PORT=12111 WEBHOOK_URL=http://localhost:3000/api/stripe/webhook WEBHOOK_SECRET=whsec_x
 * npx tsx tests/doubles/stripe-server.ts`) it serves until killed.
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

export type FakeCharge = { id: string; object: "charge"; amount: number; amount_refunded: number; currency: string; payment_intent: string; metadata: Record<string, string>; refunded: boolean };

export type StripeDouble = {
  url: string;
  secretKey: string;
  webhookSecret: string;
  sessions: Map<string, FakeSession>;
  /** Where events go; settable after start (the app's port may be known only later). */
  webhookUrl: string | null;
  /** Builds a signed event; `deliver` posts it (once, or several times concurrently). */
  event(type: string, object: unknown): { id: string; payload: string; signature: string };
  deliver(ev: { payload: string; signature: string }, opts?: { times?: number }): Promise<{ status: number; body: string }[]>;
  /** Marks the session paid and returns its checkout.session.completed event (not delivered). */
  pay(sessionId: string): { id: string; payload: string; signature: string };
  /** Refunds `cents` more of the session's charge and returns the charge.refunded event. */
  refund(sessionId: string, cents: number): { id: string; payload: string; signature: string };
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

export async function startStripeDouble(opts: { port?: number; webhookUrl?: string | null; webhookSecret?: string } = {}): Promise<StripeDouble> {
  const webhookSecret = opts.webhookSecret ?? `whsec_${randomBytes(16).toString("hex")}`;
  const stripe = new Stripe(SECRET_KEY);
  const sessions = new Map<string, FakeSession>();
  let base = "";

  const self: StripeDouble = {
    url: "",
    secretKey: SECRET_KEY,
    webhookSecret,
    sessions,
    webhookUrl: opts.webhookUrl ?? null,
    event(type, object) {
      const id = rid("evt");
      const payload = JSON.stringify({ id, object: "event", type, api_version: "2025-01-01", created: Math.floor(Date.now() / 1000), livemode: false, data: { object } });
      return { id, payload, signature: stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }) };
    },
    async deliver(ev, { times = 1 } = {}) {
      if (!self.webhookUrl) throw new Error("no webhook URL set");
      return Promise.all(Array.from({ length: times }, async () => {
        const res = await fetch(self.webhookUrl!, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": ev.signature }, body: ev.payload });
        return { status: res.status, body: await res.text() };
      }));
    },
    pay(sessionId) {
      const s = sessions.get(sessionId);
      if (!s) throw new Error(`no session ${sessionId}`);
      s.status = "complete";
      s.payment_status = "paid";
      s.charge ??= { id: rid("ch"), object: "charge", amount: s.amount_total, amount_refunded: 0, currency: s.currency, payment_intent: s.payment_intent, metadata: s.paymentIntentMetadata, refunded: false };
      const { charge: _c, paymentIntentMetadata: _m, ...wire } = s;
      return self.event("checkout.session.completed", wire);
    },
    refund(sessionId, cents) {
      const charge = sessions.get(sessionId)?.charge;
      if (!charge) throw new Error(`session ${sessionId} has no charge`);
      charge.amount_refunded = Math.min(charge.amount, charge.amount_refunded + cents);
      charge.refunded = charge.amount_refunded === charge.amount;
      return self.event("charge.refunded", { ...charge });
    },
    close: () => new Promise((r) => server.close(() => r())),
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", base);
      if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
        if (req.headers.authorization !== `Bearer ${SECRET_KEY}`) return json(res, 401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
        const p = nested(new URLSearchParams(await body(req))) as Record<string, any>;
        const items = Object.values((p.line_items ?? {}) as Record<string, any>);
        const amount = items.reduce((sum, li) => sum + Number(li.price_data?.unit_amount ?? 0) * Number(li.quantity ?? 1), 0);
        if (!amount || !p.success_url) return json(res, 400, { error: { type: "invalid_request_error", message: "line_items and success_url are required" } });
        const id = rid("cs_test");
        const session: FakeSession = {
          id, object: "checkout.session", url: `${base}/pay/${id}`, mode: "payment", status: "open", payment_status: "unpaid",
          amount_total: amount, currency: items[0]?.price_data?.currency ?? "usd", customer_email: p.customer_email ?? null,
          client_reference_id: p.client_reference_id ?? null, metadata: p.metadata ?? {}, success_url: p.success_url, cancel_url: p.cancel_url,
          payment_intent: rid("pi"), charge: null, paymentIntentMetadata: p.payment_intent_data?.metadata ?? {},
        };
        sessions.set(id, session);
        const { charge: _c, paymentIntentMetadata: _m, ...wire } = session;
        return json(res, 200, wire);
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
        // Pay: as Stripe does, the webhook goes out and the browser is sent back to success_url.
        const event = self.pay(s.id);
        if (self.webhookUrl) await self.deliver(event);
        res.writeHead(303, { location: s.success_url.replace("{CHECKOUT_SESSION_ID}", s.id) }).end();
        return;
      }
      json(res, 404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method} ${url.pathname})` } });
    } catch (err) {
      json(res, 500, { error: { message: String(err) } });
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
  const double = await startStripeDouble({ port: Number(process.env.PORT ?? 12111), webhookUrl: process.env.WEBHOOK_URL ?? null, webhookSecret: process.env.WEBHOOK_SECRET });
  console.log(`stripe double on ${double.url} (webhooks to ${double.webhookUrl ?? "nowhere"})`);
}
