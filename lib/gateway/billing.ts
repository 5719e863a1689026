import type { CallerBudget } from "../router/types.ts";

/**
 * What the gateway needs from the money system. The ledger (lib/ledger) implements it; every
 * amount is integer micro-USD.
 */
export interface Billing {
  /** Available credits (balance minus holds) and this month's budget state, for routing. */
  snapshot(userId: string): Promise<{ availableMicros: number; owedMicros: number; budget: CallerBudget | null }>;
  /** Holds `amountMicros` for the request before any provider is called; throws ApiError 402 if it cannot. */
  reserve(userId: string, requestId: string, amountMicros: number): Promise<void>;
  /**
   * Charges the real cost (may be 0) and releases the rest of the hold, once. Returns what was
   * charged (the whole cost, even past the balance: the excess is owed), when, and the new
   * available credits.
   */
  settle(userId: string, requestId: string, chargeMicros: number, reference: string): Promise<{ chargedMicros: number; availableMicros: number; settledAt: Date }>;
}
