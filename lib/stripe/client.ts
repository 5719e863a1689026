import Stripe from "stripe";
import { env } from "../config/env.ts";

export type StripeConfig = { secretKey: string; webhookSecret: string | null; apiBase: string | null };

export function stripeConfig(source: Record<string, string | undefined> = process.env): StripeConfig | null {
  const secretKey = env("STRIPE_SECRET_KEY", source);
  if (!secretKey) return null;
  return {
    secretKey,
    webhookSecret: env("STRIPE_WEBHOOK_SECRET", source) ?? null,
    apiBase: env("STRIPE_API_BASE", source) ?? null,
  };
}

/** The SDK, aimed at STRIPE_API_BASE when given (a local Stripe-compatible server in tests). */
export function stripeClient(config: StripeConfig): Stripe {
  if (!config.apiBase) return new Stripe(config.secretKey, { maxNetworkRetries: 2 });
  const base = new URL(config.apiBase);
  return new Stripe(config.secretKey, {
    host: base.hostname,
    port: Number(base.port || (base.protocol === "https:" ? 443 : 80)),
    protocol: base.protocol === "https:" ? "https" : "http",
    maxNetworkRetries: 0,
  });
}
