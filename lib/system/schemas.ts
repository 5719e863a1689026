import { z } from "zod";
import { byokFeePercentSchema } from "../byok/schemas.ts";

/** PATCH /api/admin/settings, and the admin's settings forms: any of the instance settings. */
export const instanceSettingsPatchSchema = z
  .object({
    signup_enabled: z.boolean().meta({ label: "Sign-up" }).optional(),
    byok_fee_percent: byokFeePercentSchema.optional(),
  })
  .refine(
    (v) => v.signup_enabled !== undefined || v.byok_fee_percent !== undefined,
    "Give signup_enabled, byok_fee_percent, or both",
  );

/** The admin's BYOK fee form: the one field, required. */
export const byokFeeFormSchema = z.object({ byok_fee_percent: byokFeePercentSchema });
