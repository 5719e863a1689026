import { z } from "zod";
import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { microsToUsd, toMicros, usdToMicros } from "../money/units.ts";
import type { settingsPatchSchema, weightsSchema } from "./schemas.ts";
import { invalidateIdentity } from "../auth/identity-cache.ts";
import { invalidateMoney } from "../ledger/money-cache.ts";

export async function getSettings(db: Db, userId: string) {
  const s = await db.userSettings.findUnique({ where: { userId } });
  return {
    preferred_power_level: s?.preferredPowerLevel ?? null,
    routing_weights: (s?.routingWeights as z.infer<typeof weightsSchema> | null) ?? null,
    monthly_budget_usd: s?.monthlyBudgetMicros == null ? null : microsToUsd(toMicros(s.monthlyBudgetMicros)),
  };
}

/** Absent fields stay; null clears (back to the defaults, or no budget). */
export async function updateSettings(db: Db, userId: string, patch: z.infer<typeof settingsPatchSchema>) {
  const data: Record<string, unknown> = {};
  if (patch.preferred_power_level !== undefined) data.preferredPowerLevel = patch.preferred_power_level;
  if (patch.routing_weights !== undefined) data.routingWeights = patch.routing_weights ?? Prisma.DbNull;
  if (patch.monthly_budget_usd !== undefined)
    data.monthlyBudgetMicros =
      patch.monthly_budget_usd === null ? null : BigInt(usdToMicros(patch.monthly_budget_usd.toFixed(6)));
  await db.userSettings.upsert({ where: { userId }, create: { userId, ...(data as object) }, update: data as object });
  invalidateIdentity();
  invalidateMoney(userId); // the budget is part of the gateway's money view
  return getSettings(db, userId);
}
