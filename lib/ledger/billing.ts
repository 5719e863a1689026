import type { Db } from "../db/client.ts";
import type { Billing } from "../gateway/billing.ts";
import { int8, sqlRows } from "../db/sql.ts";
import { reserve, SQL_MONTH, utcMonthStart } from "./ledger.ts";
import type { KeySpend } from "../keys/fences.ts";
import { owedFromBalance } from "./receivables.ts";
import { moneyCache, type MoneyView } from "./money-cache.ts";
import { processSettlements, type Settlements } from "./settlements.ts";

const MONEY_SQL = (
  withKey: boolean,
) => `SELECT a.balance_micros AS balance, a.reserved_micros AS reserved, s.monthly_budget_micros AS budget,
            CASE WHEN s.monthly_budget_micros IS NULL THEN NULL ELSE
              (SELECT (-COALESCE(SUM(e.amount_micros), 0))::int8 FROM ledger_entries e
               WHERE e.account_id = a.id AND e.type = 'CHARGE' AND e.created_at >= $2::timestamptz::timestamp) END AS spend
            ${withKey ? `, k.monthly_limit_micros AS key_limit, (CASE WHEN k.spend_month = ${SQL_MONTH} THEN k.month_spend_micros ELSE 0 END) AS key_spent, k.month_reserved_micros AS key_reserved` : ""}
     FROM (SELECT $1::text AS user_id) u
     LEFT JOIN credit_accounts a ON a.user_id = u.user_id
     LEFT JOIN user_settings s ON s.user_id = u.user_id
     ${withKey ? "LEFT JOIN api_keys k ON k.id = $3 AND k.user_id = u.user_id" : ""}`;

type MoneyRow = {
  balance: string | null;
  reserved: string | null;
  budget: string | null;
  spend: string | null;
  key_limit?: string | null;
  key_spent?: string | null;
  key_reserved?: string | null;
};

/**
 * Balance, budget and (only with a budget) this month's spend in one round trip: callers with a
 * budget make this read on every request, and so do callers whose key has a monthly limit (with
 * the key's spend in the same statement).
 */
async function readMoney(
  db: Db,
  userId: string,
  apiKeyId: string | null = null,
): Promise<MoneyView & { keySpend: KeySpend | null }> {
  const [row] = await sqlRows<MoneyRow>(
    db,
    apiKeyId ? "sy_money_key" : "sy_money",
    MONEY_SQL(apiKeyId !== null),
    apiKeyId ? [userId, utcMonthStart().toISOString(), apiKeyId] : [userId, utcMonthStart().toISOString()],
  );
  const balance = int8(row?.balance);
  const budget =
    row?.budget == null ? null : { monthlyBudgetMicros: int8(row.budget), monthSpendMicros: int8(row.spend) };
  const keySpend =
    row?.key_limit == null
      ? null
      : { limitMicros: int8(row.key_limit), spentMicros: int8(row.key_spent), reservedMicros: int8(row.key_reserved) };
  return {
    availableMicros: Math.max(0, balance - int8(row?.reserved)),
    owedMicros: owedFromBalance(balance),
    budget,
    keySpend,
  };
}

/** The gateway's money system: prepaid credits with holds, and the caller's monthly budget. */
export function ledgerBilling(db: Db, holdTtlMs?: number, settlements: Settlements = processSettlements(db)): Billing {
  const cache = moneyCache();
  return {
    async snapshot(userId, opts = {}) {
      // A key with a monthly limit: its spend comes from the key's recent view too (the hold on
      // the key is the authority, and a refused or money-shaped decision is made again fresh).
      if (opts.apiKeyId) {
        const hit = opts.fresh ? undefined : cache.get(userId);
        const keyHit = opts.fresh ? undefined : cache.key(opts.apiKeyId);
        if (hit && hit.budget === null && keyHit) return { ...hit, keySpend: keyHit, cached: true };
        const apiKeyId = opts.apiKeyId;
        let keySpend: KeySpend | null = null;
        const view = await cache.read(
          userId,
          async () => {
            const { keySpend: k, ...v } = await readMoney(db, userId, apiKeyId);
            keySpend = k;
            cache.setKey(apiKeyId, k);
            return v;
          },
          true,
        );
        return { ...view, keySpend, cached: false };
      }
      // A caller with a monthly budget is read afresh every time: other processes' spend must count
      // at once for the budget's thresholds, which the hold does not check.
      const hit = opts.fresh ? undefined : cache.get(userId);
      if (hit && hit.budget === null) return { ...hit, keySpend: null, cached: true };
      const view = await cache.read(
        userId,
        () => readMoney(db, userId).then(({ keySpend: _k, ...v }) => v),
        opts.fresh || hit !== undefined,
      );
      return { ...view, keySpend: null, cached: false };
    },
    async reserve(userId, requestId, amount, apiKeyId = null) {
      const r = await reserve(db, userId, requestId, amount, holdTtlMs, apiKeyId);
      cache.sawBalance(userId, r.balanceMicros, r.availableMicros);
      if (apiKeyId && r.key) cache.sawKey(apiKeyId, r.key);
      return { availableMicros: Math.max(0, r.availableMicros) };
    },
    finish(job) {
      return settlements.submit(job, (r) => cache.sawBalance(job.userId, r.balanceMicros, r.availableMicros));
    },
  };
}
