import type { Db } from "../db/client.ts";
import type { Caller } from "../auth/caller.ts";
import type { CallerState, PowerLevel, RoutingWeights } from "../router/types.ts";
import { loadCallerKeys } from "../byok/byok.ts";
import { identityCaches } from "../auth/identity-cache.ts";
import type { Billing } from "./billing.ts";
import { keyRemaining, type KeySpend } from "../keys/fences.ts";

export type LoadedCaller = {
  state: CallerState;
  /** Sealed BYOK keys by provider id. */
  keys: Map<string, { id: string; ciphertext: string }>;
  /** What the account owes after a request cost more than its hold (a negative balance). */
  owedMicros: number;
  /** The money figures came from the process's recent view (lib/ledger/money-cache.ts), not a read just now. */
  moneyCached: boolean;
  /** The gateway key's monthly limit and spend, when it has a limit: holds count against it too. */
  keySpend: KeySpend | null;
  /** The account's own available credits (state.availableCreditsMicros is also bounded by the key's limit). */
  creditsMicros: number;
};

const noFee = () => Promise.resolve(0);

/** Everything about the caller the router needs, in parallel. */
export async function loadCallerState(
  db: Db,
  billing: Billing,
  caller: Caller,
  freshMoney = false,
  byokFee: () => Promise<number> = noFee,
): Promise<LoadedCaller> {
  const caches = identityCaches();
  const limitedKey = caller.fences?.monthlyLimitMicros != null ? caller.apiKeyId : null;
  const [settings, keys, money, feeBp] = await Promise.all([
    caches.settings.through(caller.userId, () =>
      db.userSettings.findUnique({
        where: { userId: caller.userId },
        select: { preferredPowerLevel: true, routingWeights: true },
      }),
    ),
    loadCallerKeys(db, caller.userId),
    billing.snapshot(caller.userId, { fresh: freshMoney, apiKeyId: limitedKey }),
    byokFee(),
  ]);
  return {
    keys,
    owedMicros: money.owedMicros,
    moneyCached: money.cached,
    keySpend: money.keySpend,
    creditsMicros: money.availableMicros,
    state: {
      role: caller.role,
      apiKeyId: caller.apiKeyId,
      fence: caller.fences ?? null,
      byokProviderIds: [...keys.keys()],
      byokFeeBasisPoints: keys.size ? feeBp : 0,
      // What routing may spend: the credits, and no more than the key's limit leaves.
      availableCreditsMicros: money.keySpend
        ? Math.min(money.availableMicros, keyRemaining(money.keySpend))
        : money.availableMicros,
      budget: money.budget,
      preferredPowerLevel: (settings?.preferredPowerLevel as PowerLevel | null) ?? null,
      routingWeights: (settings?.routingWeights as RoutingWeights | null) ?? null,
    },
  };
}
