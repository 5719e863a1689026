import { handler } from "@/lib/http/handler";
import { stripeConfig } from "@/lib/stripe/client";
import { CREDIT_PACKS_USD, MAX_PURCHASE_USD, MIN_PURCHASE_USD } from "@/lib/stripe/schemas";

export const GET = handler({ access: "user" }, async () => ({
  purchases_enabled: stripeConfig() !== null,
  packs_usd: CREDIT_PACKS_USD,
  min_usd: MIN_PURCHASE_USD,
  max_usd: MAX_PURCHASE_USD,
}));
