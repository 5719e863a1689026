import type { Db } from "../db/client.ts";
import type { Caller } from "../auth/caller.ts";
import type { CallerState, PowerLevel, RoutingWeights } from "../router/types.ts";
import { loadCallerKeys } from "../byok/byok.ts";
import { identityCaches } from "../auth/identity-cache.ts";
import type { Billing } from "./billing.ts";

export type LoadedCaller = {
  state: CallerState;
  /** Sealed BYOK keys by provider id. */
  keys: Map<string, { id: string; ciphertext: string }>;
  /** What the account owes after a request cost more than its hold (a negative balance). */
  owedMicros: number;
  /** The money figures came from the process's recent view (lib/ledger/money-cache.ts), not a read just now. */
  moneyCached: boolean;
};

/** Everything about the caller the router needs, in parallel. */
export async function loadCallerState(db: Db, billing: Billing, caller: Caller, freshMoney = false): Promise<LoadedCaller> {
  const caches = identityCaches();
  const [settings, keys, money] = await Promise.all([
    caches.settings.through(caller.userId, () => db.userSettings.findUnique({ where: { userId: caller.userId }, select: { preferredPowerLevel: true, routingWeights: true } })),
    loadCallerKeys(db, caller.userId),
    billing.snapshot(caller.userId, { fresh: freshMoney }),
  ]);
  return {
    keys,
    owedMicros: money.owedMicros,
    moneyCached: money.cached,
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
