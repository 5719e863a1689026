import { z } from "zod";
import { formatDollars } from "../http/zod-messages.ts";
import { isMicroDollars } from "../money/units.ts";

/** The most one admin grant (or correction) may move, either way. */
export const MAX_GRANT_USD = 1_000_000;

/** POST /api/admin/users/:id/credits, and the admin's Credits form. */
export const adminGrantSchema = z.object({
  amount_usd: z
    .number()
    .min(-MAX_GRANT_USD)
    .max(MAX_GRANT_USD)
    .refine((v) => v !== 0, "{label} must not be zero: give a positive amount to grant or a negative one to correct")
    .refine(isMicroDollars, "{label} can have at most 6 decimals (a micro-dollar)")
    .meta({
      label: "Amount",
      unit: "usd",
      per: "grant",
      messages: { too_small: `At most ${formatDollars(MAX_GRANT_USD)} per correction` },
    }),
  reason: z.string().trim().min(3).max(500).meta({ label: "Reason" }),
});
