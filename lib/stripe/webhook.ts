import type Stripe from "stripe";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { ApiError, badRequest } from "../http/errors.ts";
import { findJsonProblem } from "../http/text.ts";
import { toMicros } from "../money/units.ts";
import { postEntryInTx, type Tx } from "../ledger/ledger.ts";
import { invalidateMoney } from "../ledger/money-cache.ts";
import { isUniqueViolation } from "../db/errors.ts";

// Only the fields this module reads, as Stripe documents them. A signed event is Stripe's word, but
// its content still reaches SQL: one that breaks these (or holds NUL, which no text column takes)
// is refused with a 400, nothing written, rather than failing half-way as a 500.
const stripeId = z.string().min(1).max(255);
// Cents; Stripe's own limit is far lower. Kept so the micro-USD amount stays an exact integer.
const cents = z.number().int().nonnegative().max(100_000_000_000);
const paymentIntent = z.union([stripeId, z.looseObject({ id: stripeId }), z.null()]).optional();
const metadata = z.record(z.string(), z.string()).nullish();

const eventSchema = z.looseObject({
  id: stripeId,
  type: z.string().min(1).max(255),
  data: z.looseObject({ object: z.looseObject({}) }),
});
const sessionSchema = z.looseObject({
  id: stripeId,
  payment_status: z.string().nullish(),
  amount_total: cents.nullish(),
  currency: z.string().nullish(),
  client_reference_id: z.string().max(255).nullish(),
  metadata,
  payment_intent: paymentIntent,
});
const chargeSchema = z.looseObject({ id: stripeId, amount_refunded: cents, payment_intent: paymentIntent, metadata });

function checked<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw badRequest(`Malformed Stripe ${what}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
}

/** Verifies the signature over the raw body; a bad or missing signature is a 400 and nothing is written. */
export function verifyEvent(stripe: Stripe, rawBody: string, signature: string | null, secret: string): Stripe.Event {
  if (!signature) throw badRequest("Missing Stripe-Signature header");
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(rawBody, signature, secret);
  } catch (err) {
    throw badRequest(`Invalid Stripe signature: ${err instanceof Error ? err.message : "unknown"}`);
  }
  const problem = findJsonProblem(event);
  if (problem) throw badRequest(`Malformed Stripe event: ${problem.path ?? "(root)"}: ${problem.message}`);
  checked(eventSchema, event, "event");
  return event;
}

export type WebhookOutcome = { handled: boolean; duplicate: boolean; detail: string };

/**
 * Applies one verified event exactly once. The event id (stripe_events) and the fact's own key
 * (a session, a refund amount) are written in the same transaction as the ledger entry, so
 * retries, concurrent deliveries and out-of-order events credit once. Unknown types are ignored.
 */
export async function handleStripeEvent(db: Db, event: Stripe.Event): Promise<WebhookOutcome> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return creditSession(
        db,
        { id: event.id, type: event.type, source: "webhook" },
        event.data.object as Stripe.Checkout.Session,
      );
    case "charge.refunded":
      return refundCharge(
        db,
        { id: event.id, type: event.type, source: "webhook" },
        event.data.object as Stripe.Charge,
      );
    default:
      return { handled: false, duplicate: false, detail: `ignored ${event.type}` };
  }
}

/** The fact being applied: a webhook event, or an admin's repair of a session Stripe never told us about. */
type Fact = { id: string; type: string; source: "webhook" | "repair"; actorUserId?: string };
type FactRecord = Fact & { objectId: string; amountMicros: number };

async function once(db: Db, event: FactRecord, fn: (tx: Tx) => Promise<WebhookOutcome>): Promise<WebhookOutcome> {
  try {
    const outcome = await db.$transaction(async (tx) => {
      const seen = await tx.$executeRaw`INSERT INTO stripe_events (id, type, object_id, amount_micros, source)
        VALUES (${event.id}, ${event.type}, ${event.objectId}, ${event.amountMicros}, ${event.source}) ON CONFLICT (id) DO NOTHING`;
      if (seen === 0) return { handled: true, duplicate: true, detail: `event ${event.id} already processed` };
      return fn(tx);
    });
    invalidateMoney(); // a purchase or refund: the gateway's money views read afresh
    return outcome;
  } catch (err) {
    // A concurrent delivery of the same event or fact won the race on a unique key: already applied.
    if (isUniqueViolation(err)) return { handled: true, duplicate: true, detail: "applied by a concurrent delivery" };
    throw err;
  }
}

/**
 * Credits a paid Checkout Session once, keyed by the session: the webhook and an admin's repair
 * (lib/finance/repair.ts) both come here, so whichever is second credits nothing.
 */
export async function creditSession(db: Db, fact: Fact, object: unknown): Promise<WebhookOutcome> {
  const session = checked(sessionSchema, object, "checkout session");
  if (session.payment_status !== "paid")
    return { handled: false, duplicate: false, detail: `session ${session.id} not paid yet` };
  const userId = session.metadata?.user_id ?? session.client_reference_id;
  if (!userId || session.amount_total == null || session.currency !== "usd")
    throw badRequest(`session ${session.id} is not a Switchyard credit purchase`);
  // What was paid is the truth; the metadata only says who it is for.
  const amountMicros = session.amount_total * 10_000;
  return once(db, { ...fact, objectId: session.id, amountMicros }, async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!user) return { handled: false, duplicate: false, detail: `no user ${userId}` };
    // Keyed by session: "completed" and "async_payment_succeeded" for one session credit once.
    const posted = await postEntryInTx(tx, {
      userId,
      type: "PURCHASE",
      amountMicros,
      reference: `Stripe checkout ${session.id} (payment ${paymentIntentId(session.payment_intent)})${fact.source === "repair" ? " - credited by reconciliation repair, the webhook never arrived" : ""}`,
      idempotencyKey: `stripe-session:${session.id}`,
      actorUserId: fact.actorUserId ?? null,
    });
    if (posted.duplicate) return { handled: true, duplicate: true, detail: `session ${session.id} already credited` };
    return { handled: true, duplicate: false, detail: `credited ${amountMicros} micro-USD for ${session.id}` };
  });
}

async function refundCharge(db: Db, fact: Fact, object: Stripe.Charge): Promise<WebhookOutcome> {
  const charge = checked(chargeSchema, object, "charge");
  const userId = charge.metadata?.user_id;
  if (!userId) return { handled: false, duplicate: false, detail: `charge ${charge.id} is not a Switchyard purchase` };
  // amount_refunded is cumulative: each refund event records the part not yet recorded.
  const cumulativeMicros = charge.amount_refunded * 10_000;
  return once(db, { ...fact, objectId: charge.id, amountMicros: cumulativeMicros }, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${charge.id}))`;
    // Stripe does not order events: a refund can arrive before its purchase was credited. Refuse
    // it (rolling back the event record) so Stripe delivers it again once the purchase is in.
    const pi = paymentIntentId(charge.payment_intent);
    const purchased =
      pi &&
      (await tx.ledgerEntry.findFirst({
        where: { type: "PURCHASE", reference: { contains: `(payment ${pi})` } },
        select: { id: true },
      }));
    if (!purchased)
      throw new ApiError(
        409,
        "purchase_not_recorded",
        `The purchase behind charge ${charge.id} is not credited yet; deliver this event again later`,
      );
    const prior = await tx.ledgerEntry.aggregate({
      where: { type: "REFUND", reference: { startsWith: `Stripe refund ${charge.id}` } },
      _sum: { amountMicros: true },
    });
    const already = -toMicros(prior._sum.amountMicros ?? 0n);
    const delta = cumulativeMicros - already;
    if (delta <= 0) return { handled: true, duplicate: true, detail: `refunds of ${charge.id} already recorded` };
    const account = await tx.creditAccount.findUnique({ where: { userId }, select: { balanceMicros: true } });
    const balance = account ? toMicros(account.balanceMicros) : 0;
    // Credits already spent cannot be taken back below zero; the shortfall is named for finance.
    const taken = Math.min(delta, balance);
    const note = taken < delta ? ` (balance covered ${taken} of ${delta} micro-USD)` : "";
    if (taken > 0)
      await postEntryInTx(tx, {
        userId,
        type: "REFUND",
        amountMicros: -taken,
        reference: `Stripe refund ${charge.id}${note}`,
        idempotencyKey: `stripe-refund:${charge.id}:${charge.amount_refunded}`,
        shortfallMicros: delta - taken,
      });
    return { handled: true, duplicate: false, detail: `refund of ${delta} micro-USD for ${charge.id}${note}` };
  });
}

function paymentIntentId(pi: string | { id: string } | null | undefined): string | null {
  return typeof pi === "string" ? pi : (pi?.id ?? null);
}
