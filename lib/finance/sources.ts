import { Prisma } from "../generated/prisma/client.ts";
import type { Range } from "./range.ts";

/**
 * The finance queries' row sources: rollup rows for the rolled whole days of a range UNION ALL the
 * raw rows of its other parts, already grouped the same way, so a query reads them as one table.
 */

/** `created_at` in any of the ranges ([from, to) each); false for none. Parenthesised, safe beside AND. */
export const createdIn = (ranges: Range[]): Prisma.Sql =>
  ranges.length
    ? Prisma.sql`(${Prisma.join(
        ranges.map((r) => Prisma.sql`(created_at >= ${r.from} AND created_at < ${r.to})`),
        " OR ",
      )})`
    : Prisma.sql`false`;
const rawWhere = createdIn;
const rolledWhere = (rolled: Range | null) =>
  rolled ? Prisma.sql`day >= ${rolled.from}::date AND day < ${rolled.to}::date` : Prisma.sql`false`;

/** Usage by (day, provider, model, power level, byok). */
export function usageSource(rolled: Range | null, raw: Range[]): Prisma.Sql {
  return Prisma.sql`
    SELECT day, provider_slug, model_name, power_level, byok, requests, errors, prompt_tokens, completion_tokens, cache_read_tokens,
      cache_write_tokens, reasoning_tokens, charged_micros, provider_cost_micros, input_cost_micros, cache_read_cost_micros,
      cache_write_cost_micros, output_cost_micros, precision_cost_micros
    FROM usage_daily WHERE ${rolledWhere(rolled)}
    UNION ALL
    SELECT created_at::date, COALESCE(provider_slug, 'none'), COALESCE(model_name, 'none'), COALESCE(power_level::text, 'none'), byok,
      count(*), count(*) FILTER (WHERE status = 'error'), sum(prompt_tokens), sum(completion_tokens), sum(cache_read_tokens),
      sum(cache_write_tokens), sum(reasoning_tokens), sum(charged_micros), sum(provider_cost_micros), sum(input_cost_micros),
      sum(cache_read_cost_micros), sum(cache_write_cost_micros), sum(output_cost_micros), sum(COALESCE(precision_cost_micros, charged_micros))
    FROM usage_logs WHERE ${rawWhere(raw)}
    GROUP BY 1, 2, 3, 4, 5`;
}

/** Usage by (day, user). */
export function userSource(rolled: Range | null, raw: Range[]): Prisma.Sql {
  return Prisma.sql`
    SELECT user_id, requests, charged_micros, provider_cost_micros FROM usage_daily_users WHERE ${rolledWhere(rolled)}
    UNION ALL
    SELECT user_id, count(*), sum(charged_micros), sum(provider_cost_micros) FROM usage_logs WHERE ${rawWhere(raw)} GROUP BY 1`;
}

/** Ledger entries by (day, type). */
export function ledgerSource(rolled: Range | null, raw: Range[]): Prisma.Sql {
  return Prisma.sql`
    SELECT day, type, entries, amount_micros, shortfall_micros FROM ledger_daily WHERE ${rolledWhere(rolled)}
    UNION ALL
    SELECT created_at::date, type, count(*), sum(amount_micros), sum(shortfall_micros) FROM ledger_entries WHERE ${rawWhere(raw)} GROUP BY 1, 2`;
}

/** One user's usage by (day, provider, model, power level): the user's own usage page. */
export function userModelSource(userId: string, rolled: Range | null, raw: Range[]): Prisma.Sql {
  return Prisma.sql`
    SELECT day, provider_slug, model_name, power_level, requests, errors, prompt_tokens, completion_tokens, charged_micros, precision_cost_micros
    FROM usage_daily_user_models WHERE user_id = ${userId} AND ${rolledWhere(rolled)}
    UNION ALL
    SELECT created_at::date, COALESCE(provider_slug, 'none'), COALESCE(model_name, 'none'), COALESCE(power_level::text, 'none'),
      count(*), count(*) FILTER (WHERE status = 'error'), sum(prompt_tokens), sum(completion_tokens), sum(charged_micros),
      sum(COALESCE(precision_cost_micros, charged_micros))
    FROM usage_logs WHERE user_id = ${userId} AND ${rawWhere(raw)}
    GROUP BY 1, 2, 3, 4`;
}
