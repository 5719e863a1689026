import type { Db } from "../db/client.ts";
import type { Caller } from "../auth/caller.ts";
import type { CallerState, PowerLevel, RoutingWeights } from "../router/types.ts";
import { loadCallerKeys } from "../byok/byok.ts";
import type { Billing } from "./billing.ts";

export type LoadedCaller = {
  state: CallerState;
  /** Sealed BYOK keys by provider id. */
  keys: Map<string, { id: string; ciphertext: string }>;
  /** What the account owes after a request cost more than its hold (a negative balance). */
  owedMicros: number;
};

/** Everything about the caller the router needs, in parallel. */
export async function loadCallerState(db: Db, billing: Billing, caller: Caller): Promise<LoadedCaller> {
  const [settings, keys, money] = await Promise.all([
    db.userSettings.findUnique({ where: { userId: caller.userId }, select: { preferredPowerLevel: true, routingWeights: true } }),
    loadCallerKeys(db, caller.userId),
    billing.snapshot(caller.userId),
  ]);
  return {
    keys,
    owedMicros: money.owedMicros,
    state: {
      role: caller.role,
      apiKeyId: caller.apiKeyId,
      byokProviderIds: [...keys.keys()],
      availableCreditsMicros: money.availableMicros,
      budget: money.budget,
      preferredPowerLevel: (settings?.preferredPowerLevel as PowerLevel | null) ?? null,
      routingWeights: (settings?.routingWeights as RoutingWeights | null) ?? null,
    },
  };
}
