import type { CallerBudget } from "../router/types.ts";
import type { SettleJob } from "../ledger/settlements.ts";
import type { KeySpend } from "../keys/fences.ts";

export type MoneySnapshot = {
  availableMicros: number;
  owedMicros: number;
  budget: CallerBudget | null;
  /** The gateway key's monthly limit and what counts against it (only when asked for with `apiKeyId`). */
  keySpend: KeySpend | null;
  /** From the process's recent view, not read just now. */
  cached: boolean;
};

/**
 * What the gateway needs from the money system. The ledger (lib/ledger) implements it; every
 * amount is integer micro-USD.
 */
export interface Billing {
  /**
   * Available credits (balance minus holds), what is owed and this month's budget state, for
   * routing. May come from a recent view (`cached`); `fresh` reads the database.
   */
  snapshot(userId: string, opts?: { fresh?: boolean; apiKeyId?: string | null }): Promise<MoneySnapshot>;
  /**
   * Holds `amountMicros` for the request before any provider is called, in one statement; throws
   * ApiError 402 if the balance cannot cover it, or (with `apiKeyId`) if the key's monthly limit
   * cannot (key_budget_exhausted). Returns what stays available after the hold.
   */
  reserve(
    userId: string,
    requestId: string,
    amountMicros: number,
    apiKeyId?: string | null,
  ): Promise<{ availableMicros: number }>;
  /**
   * Charges the real cost (may be 0), releases the rest of the hold and writes the usage row, once,
   * after the reply: journaled synchronously (call it before the reply's last byte), written in
   * the background (lib/ledger/settlements.ts). The returned promise is for tests and shutdown.
   */
  finish(job: SettleJob): Promise<void>;
}
