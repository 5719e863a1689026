import { z } from "zod";
import { powerLevelSchema } from "../router/rules.ts";
import { isMicroDollars } from "../money/units.ts";

/** `<provider_slug>/<upstream_id>`, or `<provider_slug>/*` for every model of a provider. */
const modelPattern = z
  .string()
  .trim()
  .min(3)
  .max(200)
  .regex(/^[^\s/*]+\/(\*|[^\s*]+)$/)
  .meta({
    label: "Each allowed model",
    messages: {
      invalid_format:
        "{label} must be a model id like openai/gpt-4o-mini, or provider/* for all of a provider's models",
    },
  });

const modelId = (label: string) =>
  z
    .string()
    .trim()
    .min(3)
    .max(200)
    .regex(/^[^\s/]+\/\S+$/)
    .meta({ label, messages: { invalid_format: "{label} must be a model id like openai/gpt-4o-mini" } });

/** What a key may spend a month, in USD; at most 6 decimals (a micro-dollar). */
const usd = z
  .number()
  .nonnegative()
  .max(1_000_000)
  .refine(isMicroDollars, "{label} can have at most 6 decimals (a micro-dollar)")
  .meta({ label: "Monthly limit", unit: "usd" });

const unique = <T>(list: T[]) => [...new Set(list)];

/** Each fence is optional; `null` clears it (PATCH), absent leaves it as it is. */
export const keyFencesShape = {
  monthly_limit_usd: usd.nullish(),
  allowed_power_levels: z
    .array(powerLevelSchema)
    .min(1)
    .max(3)
    .transform(unique)
    .meta({ label: "Allowed power levels" })
    .nullish(),
  allowed_models: z.array(modelPattern).min(1).max(100).transform(unique).meta({ label: "Allowed models" }).nullish(),
  rpm: z.number().int().min(1).max(1_000_000).meta({ label: "Requests per minute" }).nullish(),
  tpm: z.number().int().min(1).max(1_000_000_000).meta({ label: "Tokens per minute" }).nullish(),
  expires_at: z.iso.datetime({ offset: true }).meta({ label: "Expires" }).nullish(),
  routing_profile: z
    .strictObject({
      primary: modelId("Primary model"),
      fallback: modelId("Fallback model").nullish(),
      local: modelId("Local model").nullish(),
    })
    .meta({ label: "Routing profile" })
    .nullish(),
};

/** POST /api/keys, and the Keys page's create form. */
export const createKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100).meta({ label: "Name" }),
  ...keyFencesShape,
});

/** PATCH /api/keys/:id: the name and fences; `null` clears a fence. */
export const updateKeySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).meta({ label: "Name" }).optional(),
    ...keyFencesShape,
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Nothing to change: send the name or a fence" });

export type CreateKeyInput = z.output<typeof createKeySchema>;
export type UpdateKeyInput = z.output<typeof updateKeySchema>;
