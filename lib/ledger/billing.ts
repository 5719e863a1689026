import type { Db } from "../db/client.ts";
import type { Billing } from "../gateway/billing.ts";
import { toMicros } from "../money/units.ts";
import { monthSpend, reserve, settle } from "./ledger.ts";

/** The gateway's money system: prepaid credits with holds, and the caller's monthly budget. */
export function ledgerBilling(db: Db, holdTtlMs?: number): Billing {
  return {
    async snapshot(userId) {
      // Balance and budget in one round trip (the month's spend only when there is a budget).
      const [row] = await db.$queryRaw<{ balance: bigint | null; reserved: bigint | null; budget: bigint | null }[]>`
        SELECT a.balance_micros AS balance, a.reserved_micros AS reserved, s.monthly_budget_micros AS budget
        FROM (SELECT ${userId}::text AS user_id) u
        LEFT JOIN credit_accounts a ON a.user_id = u.user_id
        LEFT JOIN user_settings s ON s.user_id = u.user_id`;
      const balance = toMicros(row?.balance ?? 0n);
      const available = balance - toMicros(row?.reserved ?? 0n);
      const budgetMicros = row?.budget == null ? null : toMicros(row.budget);
      const budget = budgetMicros === null ? null : { monthlyBudgetMicros: budgetMicros, monthSpendMicros: await monthSpend(db, userId) };
      return { availableMicros: Math.max(0, available), owedMicros: Math.max(0, -balance), budget };
    },
    reserve: async (userId, requestId, amount) => {
      await reserve(db, userId, requestId, amount, holdTtlMs);
    },
    async settle(userId, requestId, charge, reference) {
      const r = await settle(db, userId, requestId, charge, reference);
      return { chargedMicros: r.chargedMicros, availableMicros: Math.max(0, r.availableMicros), settledAt: r.settledAt };
    },
  };
}
