import type { Db } from "../db/client.ts";
import type { Billing } from "../gateway/billing.ts";
import { toMicros } from "../money/units.ts";
import { getBalance, monthSpend, reserve, settle } from "./ledger.ts";

/** The gateway's money system: prepaid credits with holds, and the caller's monthly budget. */
export function ledgerBilling(db: Db, holdTtlMs?: number): Billing {
  return {
    async snapshot(userId) {
      const [balance, settings] = await Promise.all([
        getBalance(db, userId),
        db.userSettings.findUnique({ where: { userId }, select: { monthlyBudgetMicros: true } }),
      ]);
      const budgetMicros = settings?.monthlyBudgetMicros == null ? null : toMicros(settings.monthlyBudgetMicros);
      const budget = budgetMicros === null ? null : { monthlyBudgetMicros: budgetMicros, monthSpendMicros: await monthSpend(db, userId) };
      return { availableMicros: Math.max(0, balance.availableMicros), owedMicros: Math.max(0, -balance.balanceMicros), budget };
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
