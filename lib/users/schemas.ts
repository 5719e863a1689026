/**
 * Account, user and settings bodies, shared by the API routes and the forms that send them (the
 * browser checks with the same schema, so it says the same sentences before anything is sent).
 */
import { z } from "zod";
import { powerLevelSchema, roleSchema } from "../router/rules.ts";

export const MIN_PASSWORD_LENGTH = 8;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email())
  .pipe(z.string().max(254))
  .meta({ label: "Email" });
export const passwordSchema = z.string().min(MIN_PASSWORD_LENGTH).max(1024).meta({ label: "Password" });
/** The router's roleSchema (exact spelling: "admin" is refused), labelled as the users forms and filters name it. */
export const roleFieldSchema = roleSchema.meta({ label: "Role" });

export const credentialsSchema = z.object({ email: emailSchema, password: passwordSchema });
/** Signing in checks only that both are there: an old password may predate today's length rule. */
export const signInSchema = z.object({ email: emailSchema, password: z.string().min(1).meta({ label: "Password" }) });
export const changePasswordSchema = z.object({
  current_password: z.string().min(1).meta({ label: "Current password" }),
  new_password: passwordSchema.meta({ label: "New password" }),
});
export const adminCreateUserSchema = credentialsSchema.extend({ role: roleFieldSchema.default("USER") });
export const adminPatchUserSchema = z
  .object({ role: roleFieldSchema.optional(), disabled: z.boolean().meta({ label: "Disabled" }).optional() })
  .refine((v) => v.role !== undefined || v.disabled !== undefined, "Give a role, disabled, or both");

const weight = (label: string) => z.number().min(0).max(1).meta({ label });
export const weightsSchema = z
  .strictObject({ cost: weight("Cost weight"), latency: weight("Latency weight"), quality: weight("Quality weight") })
  .refine((w) => w.cost + w.latency + w.quality > 0, "At least one routing weight must be above 0")
  .meta({ label: "Routing weights" });

export const MAX_MONTHLY_BUDGET_USD = 1_000_000;

/**
 * PUT /api/settings. A monthly budget of $0 is allowed and means what it says: no paid requests
 * at all, only free models and the user's own provider keys (BYOK); null means no budget.
 */
export const settingsPatchSchema = z.strictObject({
  preferred_power_level: powerLevelSchema.meta({ label: "Preferred power level" }).nullish(),
  routing_weights: weightsSchema.nullish(),
  monthly_budget_usd: z
    .number()
    .min(0)
    .max(MAX_MONTHLY_BUDGET_USD)
    .meta({ label: "Monthly budget", unit: "usd" })
    .nullish(),
});

/** What a saved monthly budget of $0 does, said the same way wherever it is set or shown. */
export const ZERO_BUDGET_MEANING =
  "A budget of $0 allows no paid requests: only free models and your own provider keys (BYOK) are used.";
