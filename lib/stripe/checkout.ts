import type Stripe from "stripe";
import { ApiError } from "../http/errors.ts";
import { usdToMicros } from "../money/units.ts";
import { log } from "../log/logger.ts";
import { scrubSecrets } from "../security/scrub.ts";

/**
 * A Checkout Session for a credit purchase. The user and amount travel in the session's and the
 * payment's metadata, so the webhook (and a later refund) can credit the right account.
 */
export async function createCheckout(
  stripe: Stripe,
  input: { userId: string; email: string; amountUsd: number; origin: string },
) {
  const cents = Math.round(input.amountUsd * 100);
  const metadata = { user_id: input.userId, amount_micros: String(usdToMicros((cents / 100).toFixed(2))) };
  try {
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer_email: input.email,
      client_reference_id: input.userId,
      line_items: [
        {
          quantity: 1,
          price_data: { currency: "usd", unit_amount: cents, product_data: { name: "Switchyard credits" } },
        },
      ],
      metadata,
      payment_intent_data: { metadata },
      success_url: `${input.origin}/credits/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${input.origin}/credits?canceled=1`,
    });
    if (!session.url) throw new Error("Stripe returned a session without a URL");
    return { url: session.url, session_id: session.id };
  } catch (err) {
    log().error({ err: scrubSecrets(err instanceof Error ? err.message : String(err)) }, "stripe checkout failed");
    throw new ApiError(502, "payment_provider_error", "Could not start the checkout with Stripe; try again later");
  }
}
