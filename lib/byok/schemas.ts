import { z } from "zod";

/** POST /api/byok, and the BYOK form on the Keys page. */
export const addByokSchema = z.object({
  provider: z.string().trim().min(1).meta({ label: "Provider" }),
  // Keys are sent in an HTTP header: printable ASCII without spaces is all a provider issues.
  api_key: z
    .string()
    .trim()
    .min(8)
    .max(4096)
    .regex(/^[\x21-\x7e]+$/)
    .meta({
      label: "API key",
      messages: {
        too_small: "{label} looks too short: keys have at least {limit} characters",
        invalid_format: "{label} can only hold letters, digits and symbols, without spaces",
      },
    }),
  /** Keep the key even when the provider could not be reached to check it (stored as unverified). */
  save_unverified: z.boolean().optional().meta({ label: "Save unverified" }),
});

/** The BYOK fee in percent of the provider's list cost: 0..100, at most 2 decimals (a basis point). */
export const byokFeePercentSchema = z
  .number()
  .min(0)
  .max(100)
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-7, "{label} can have at most 2 decimals")
  .meta({
    label: "BYOK fee",
    messages: { too_small: "{label} must be 0 % or more", too_big: "{label} must be at most 100 %" },
  });
