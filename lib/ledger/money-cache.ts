import type { CallerBudget } from "../router/types.ts";
import { identityTtlMs } from "../auth/identity-cache.ts";

/**
 * What routing knows of a caller's money between full reads. The authoritative check is the hold
 * itself (a conditional UPDATE that cannot overdraw), so routing may decide on a recent view of a
 * caller without a monthly budget (with one, lib/ledger/billing.ts reads afresh every time):
 * every hold and settle in this process refreshes the available balance from the row it changed;
 * a full read (balance, budget, this month's spend) is made at most once per `ttlMs` per caller,
 * and at once when a decision depends on money (lib/gateway/plan.ts) or a hold is refused.
 * Purchases, grants and refunds in this process drop the entry; from another process they are
 * seen within the TTL.
 */
export type MoneyView = { availableMicros: number; owedMicros: number; budget: CallerBudget | null };

type Entry = MoneyView & { at: number };
const MAX_ENTRIES = 10_000;

export class MoneyCache {
  private readonly map = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<MoneyView>>();
  private generation = 0;

  constructor(
    private readonly ttlMs: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  get(userId: string): MoneyView | undefined {
    const e = this.map.get(userId);
    if (!e) return undefined;
    if (this.now() - e.at >= this.ttlMs()) {
      this.map.delete(userId);
      return undefined;
    }
    return e;
  }

  set(userId: string, view: MoneyView): void {
    if (this.ttlMs() <= 0) return;
    if (this.map.size >= MAX_ENTRIES) this.map.delete(this.map.keys().next().value as string);
    this.map.set(userId, { ...view, at: this.now() });
  }

  /** After a hold or settle: the balance as that statement left it (does not extend the entry's life). */
  sawBalance(userId: string, balanceMicros: number, availableMicros: number): void {
    const e = this.map.get(userId);
    if (!e) return;
    e.availableMicros = Math.max(0, availableMicros);
    e.owedMicros = Math.max(0, -balanceMicros);
  }

  /**
   * A full read through the cache: concurrent reads of one caller share one query, unless `fresh`
   * (a re-plan must see what happened after it began). A read that began before an invalidation
   * is not stored.
   */
  read(userId: string, load: () => Promise<MoneyView>, fresh = false): Promise<MoneyView> {
    const pending = fresh ? undefined : this.loading.get(userId);
    if (pending) return pending;
    const generation = this.generation;
    const loaded = load().finally(() => {
      if (this.loading.get(userId) === loaded) this.loading.delete(userId);
    });
    void loaded.then((view) => {
      if (generation === this.generation) this.set(userId, view);
    }, () => {});
    if (!fresh) this.loading.set(userId, loaded);
    return loaded;
  }

  invalidate(userId?: string): void {
    this.generation++;
    if (userId === undefined) {
      this.map.clear();
      this.loading.clear();
    } else {
      this.map.delete(userId);
      this.loading.delete(userId);
    }
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
