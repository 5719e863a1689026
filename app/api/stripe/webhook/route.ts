import { handler } from "@/lib/http/handler";
import { ApiError } from "@/lib/http/errors";
import { stripeClient, stripeConfig } from "@/lib/stripe/client";
import { handleStripeEvent, verifyEvent } from "@/lib/stripe/webhook";

// Stripe calls this without a session; the signature over the raw body is the authentication,
// so it needs no same-origin proof either.
export const POST = handler({ access: "public", allowCrossSite: true }, async ({ req, db }) => {
  const config = stripeConfig();
  if (!config?.webhookSecret)
    throw new ApiError(503, "webhooks_not_configured", "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are required");
  const raw = await req.text();
  const event = verifyEvent(stripeClient(config), raw, req.headers.get("stripe-signature"), config.webhookSecret);
  const outcome = await handleStripeEvent(db, event);
  return { received: true, ...outcome };
});
