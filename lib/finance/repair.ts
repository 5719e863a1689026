import type Stripe from "stripe";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { ApiError, notFound } from "../http/errors.ts";
import { creditSession } from "../stripe/webhook.ts";

export const repairSchema = z.object({
  session_id: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9_]+$/, "is not a Checkout Session id"),
});

export type RepairResult = {
  credited: boolean;
  duplicate: boolean;
  amount_micros: number;
  user_id: string | null;
  detail: string;
};

/**
 * Credits a session Stripe says is paid but whose webhook never reached us. Stripe is asked, not
 * the caller: the amount and the user come from Stripe's record of the session. It goes through
 * the webhook's own exactly-once path (the ledger entry keyed by the session), so a repair
 * repeated, racing the webhook, or followed by the late webhook credits the session once.
 */
export async function repairSession(
  db: Db,
  stripe: Stripe,
  sessionId: string,
  actorUserId: string,
): Promise<RepairResult> {
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.retrieve(sessionId);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404)
      throw notFound(`Stripe knows no Checkout Session ${sessionId}`);
    throw new ApiError(502, "payment_provider_error", "Could not read the session from Stripe; try again later");
  }
  if (session.payment_status !== "paid")
    throw new ApiError(
      409,
      "session_not_paid",
      `Stripe says session ${sessionId} is not paid (${session.payment_status}); there is nothing to credit`,
    );
  const outcome = await creditSession(
    db,
    { id: `repair:${session.id}`, type: "checkout.session.completed", source: "repair", actorUserId },
    session,
  );
  if (!outcome.handled)
    throw new ApiError(409, "session_not_creditable", `Session ${sessionId} cannot be credited: ${outcome.detail}`);
  return {
    credited: !outcome.duplicate,
    duplicate: outcome.duplicate,
    amount_micros: (session.amount_total ?? 0) * 10_000,
    user_id: session.metadata?.user_id ?? session.client_reference_id ?? null,
    detail: outcome.detail,
  };
}
