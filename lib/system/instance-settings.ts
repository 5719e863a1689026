/**
 * The instance settings an admin changes on the Users page (GET|PATCH /api/admin/settings):
 * whether anyone may sign up, and the BYOK fee (lib/byok/fee.ts).
 */
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { basisPointsToPercent, byokFeeBasisPoints, percentToBasisPoints, setByokFeeBasisPoints } from "../byok/fee.ts";
import { isSignupEnabled, setSetting, SIGNUP_ENABLED } from "./settings.ts";
import type { instanceSettingsPatchSchema } from "./schemas.ts";

export type InstanceSettings = { signup_enabled: boolean; byok_fee_percent: number };

type SettingsDb = Pick<Db, "systemSetting">;

export async function instanceSettings(db: SettingsDb): Promise<InstanceSettings> {
  const [signup, fee] = await Promise.all([isSignupEnabled(db), byokFeeBasisPoints(db)]);
  return { signup_enabled: signup, byok_fee_percent: basisPointsToPercent(fee) };
}

/** Applies the fields given and answers every setting as it now is. */
export async function updateInstanceSettings(
  db: SettingsDb,
  patch: z.infer<typeof instanceSettingsPatchSchema>,
): Promise<InstanceSettings> {
  if (patch.signup_enabled !== undefined) await setSetting(db, SIGNUP_ENABLED, patch.signup_enabled);
  if (patch.byok_fee_percent !== undefined)
    await setByokFeeBasisPoints(db, percentToBasisPoints(patch.byok_fee_percent));
  return instanceSettings(db);
}
