// The app under test talks to the local Stripe double: its SDK calls go to the double
// (STRIPE_API_BASE) and the double's signed webhooks come back to the app.
import { startStripeDouble, type StripeDouble } from "../doubles/stripe-server.ts";

const NAMES = ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE"] as const;

/** Points the app's Stripe configuration at the double. */
export function pointAppAt(stripe: StripeDouble): void {
  process.env.STRIPE_SECRET_KEY = stripe.secretKey;
  process.env.STRIPE_WEBHOOK_SECRET = stripe.webhookSecret;
  process.env.STRIPE_API_BASE = stripe.url;
}

/** A double whose webhooks go to the app at `appUrl`, with the app pointed at it. */
export async function startStripeForApp(appUrl: string): Promise<StripeDouble> {
  const stripe = await startStripeDouble();
  stripe.webhookUrl = `${appUrl}/api/stripe/webhook`;
  pointAppAt(stripe);
  return stripe;
}

/** Unsets the app's Stripe configuration and stops the double. */
export async function stopStripeForApp(stripe: StripeDouble | undefined): Promise<void> {
  for (const name of NAMES) delete process.env[name];
  await stripe?.close();
}
