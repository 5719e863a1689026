import type { Db } from "../db/client.ts";
import type { Billing } from "../gateway/billing.ts";
import { int8, sqlRows } from "../db/sql.ts";
import { reserve, utcMonthStart } from "./ledger.ts";
import { owedFromBalance } from "./receivables.ts";
import { moneyCache, type MoneyView } from "./money-cache.ts";
import { processSettlements, type Settlements } from "./settlements.ts";

/**
 * Balance, budget and (only with a budget) this month's spend in one round trip: callers with a
 * budget make this read on every request.
 */
async function readMoney(db: Db, userId: string): Promise<MoneyView> {
  const [row] = await sqlRows<{ balance: string | null; reserved: string | null; budget: string | null; spend: string | null }>(
    db,
    "sy_money",
    `SELECT a.balance_micros AS balance, a.reserved_micros AS reserved, s.monthly_budget_micros AS budget,
            CASE WHEN s.monthly_budget_micros IS NULL THEN NULL ELSE
              (SELECT (-COALESCE(SUM(e.amount_micros), 0))::int8 FROM ledger_entries e
               WHERE e.account_id = a.id AND e.type = 'CHARGE' AND e.created_at >= $2::timestamptz::timestamp) END AS spend
     FROM (SELECT $1::text AS user_id) u
     LEFT JOIN credit_accounts a ON a.user_id = u.user_id
     LEFT JOIN user_settings s ON s.user_id = u.user_id`,
    [userId, utcMonthStart().toISOString()],
  );
  const balance = int8(row?.balance);
  const budget = row?.budget == null ? null : { monthlyBudgetMicros: int8(row.budget), monthSpendMicros: int8(row.spend) };
  return { availableMicros: Math.max(0, balance - int8(row?.reserved)), owedMicros: owedFromBalance(balance), budget };
}

/** The gateway's money system: prepaid credits with holds, and the caller's monthly budget. */
export function ledgerBilling(db: Db, holdTtlMs?: number, settlements: Settlements = processSettlements(db)): Billing {
  const cache = moneyCache();
  return {
    async snapshot(userId, opts = {}) {
      // A caller with a monthly budget is read afresh every time: other processes' spend must count
      // at once for the budget's thresholds, which the hold does not check.
      const hit = opts.fresh ? undefined : cache.get(userId);
      if (hit && hit.budget === null) return { ...hit, cached: true };
      const view = await cache.read(userId, () => readMoney(db, userId), opts.fresh || hit !== undefined);
      return { ...view, cached: false };
    },
    async reserve(userId, requestId, amount) {
      const r = await reserve(db, userId, requestId, amount, holdTtlMs);
      cache.sawBalance(userId, r.balanceMicros, r.availableMicros);
      return { availableMicros: Math.max(0, r.availableMicros) };
    },
    finish(job) {
      return settlements.submit(job, (r) => cache.sawBalance(job.userId, r.balanceMicros, r.availableMicros));
    },
  };
}
