import type { CallerBudget } from "../router/types.ts";
import type { KeySpend } from "../keys/fences.ts";
import { identityTtlMs, TtlCache } from "../auth/identity-cache.ts";
import { owedFromBalance } from "./receivables.ts";

/**
 * What routing knows of a caller's money between full reads. The authoritative check is the hold
 * itself (a conditional UPDATE that cannot overdraw), so routing may decide on a recent view of a
 * caller without a monthly budget (with one, lib/ledger/billing.ts reads afresh every time):
 * every hold and settle in this process refreshes the available balance from the row it changed;
 * a full read (balance, budget, this month's spend) is made at most once per TTL per caller,
 * and at once when a decision depends on money (lib/gateway/plan.ts) or a hold is refused.
 * Purchases, grants and refunds in this process drop the entry; from another process they are
 * seen within the TTL.
 */
export type MoneyView = { availableMicros: number; owedMicros: number; budget: CallerBudget | null };

export class MoneyCache {
  private readonly views: TtlCache<string, MoneyView>;
  /**
   * Gateway keys with a monthly limit: their limit and counters as last read or held. After a
   * settle the view is stale on the safe side (it still counts the hold, not the smaller charge).
   */
  private readonly keys: TtlCache<string, KeySpend>;

  constructor(ttlMs: () => number, now: () => number = Date.now) {
    this.views = new TtlCache(ttlMs, now);
    this.keys = new TtlCache(ttlMs, now);
  }

  key(apiKeyId: string): KeySpend | undefined {
    return this.keys.get(apiKeyId);
  }

  setKey(apiKeyId: string, spend: KeySpend | null): void {
    if (spend) this.keys.set(apiKeyId, spend);
    else this.keys.delete(apiKeyId);
  }

  /** After a hold on the key: its counters as that statement left them (does not extend the view's life). */
  sawKey(apiKeyId: string, counters: { spentMicros: number; reservedMicros: number }): void {
    const view = this.keys.get(apiKeyId);
    if (!view) return;
    view.spentMicros = counters.spentMicros;
    view.reservedMicros = counters.reservedMicros;
  }

  get(userId: string): MoneyView | undefined {
    return this.views.get(userId);
  }

  /** After a hold or settle: the balance as that statement left it (does not extend the view's life). */
  sawBalance(userId: string, balanceMicros: number, availableMicros: number): void {
    const view = this.views.get(userId);
    if (!view) return;
    view.availableMicros = Math.max(0, availableMicros);
    view.owedMicros = owedFromBalance(balanceMicros);
  }

  /**
   * A full read through the cache: concurrent reads of one caller share one query, unless `fresh`
   * (a re-plan must see what happened after it began). A read that began before an invalidation
   * is not stored.
   */
  read(userId: string, load: () => Promise<MoneyView>, fresh = false): Promise<MoneyView> {
    return this.views.through(userId, load, { fresh });
  }

  invalidate(userId?: string): void {
    if (userId === undefined) {
      this.views.clear();
      this.keys.clear();
    } else this.views.delete(userId);
  }
}

// On globalThis, like the identity cache: a purchase posted by one bundle must reach the cache the
// gateway (another bundle, or the fast path's copy of lib/) reads.
const holder = globalThis as unknown as { switchyardMoney?: MoneyCache };

export function moneyCache(): MoneyCache {
  holder.switchyardMoney ??= new MoneyCache(identityTtlMs);
  return holder.switchyardMoney;
}

/** After anything but a request's own hold/settle changed a balance or budget. */
export function invalidateMoney(userId?: string): void {
  holder.switchyardMoney?.invalidate(userId);
}
