import { z } from "zod";

export const CREDIT_PACKS_USD = [10, 25, 50, 100] as const;
export const MIN_PURCHASE_USD = 5;
export const MAX_PURCHASE_USD = 1000;

/** POST /api/credits/checkout, and the custom amount on the Credits page. */
export const checkoutSchema = z.object({
  amount_usd: z
    .number()
    .min(MIN_PURCHASE_USD)
    .max(MAX_PURCHASE_USD)
    .multipleOf(0.01)
    .meta({ label: "Amount", unit: "usd" }),
});
