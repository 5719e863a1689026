import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { num, queryRows } from "./query.ts";
import { DAY_MS, floorDay, rolledUntil, ymd } from "./rollup.ts";
import { splitRange, type Range } from "./range.ts";
import { ledgerSource, usageSource, userSource } from "./sources.ts";
import { liabilityAt, type Liability } from "./liability.ts";

/**
 * What finance sees for a range, to the micro-dollar: money in (Stripe purchases, refunds,
 * grants, corrections) from the ledger; money earned (usage charged) and owed to providers
 * (provider cost, by token class) from the usage rows the ledger's charges were written with;
 * margin, shortfalls, savings versus PRECISION, and the credit liability at the range's end.
 */

type Sums = {
  requests: string;
  errors: string;
  prompt_tokens: string;
  completion_tokens: string;
  charged_micros: string;
  provider_cost_micros: string;
  input_cost_micros: string;
  cache_read_cost_micros: string;
  cache_write_cost_micros: string;
  output_cost_micros: string;
  precision_cost_micros: string;
};
/** One grouping set's row: which dimension it groups by (the others are null), and the sums. */
type GroupRow = Sums & {
  dim: "day" | "provider" | "model" | "level" | "byok" | "all";
  day: string | null;
  provider_slug: string | null;
  model_name: string | null;
  power_level: string | null;
  byok: boolean | null;
};

export type Breakdown = {
  key: string;
  requests: number;
  errors: number;
  charged_micros: number;
  provider_cost_micros: number;
  margin_micros: number;
  precision_cost_micros: number;
  prompt_tokens: number;
  completion_tokens: number;
};

export type DayRow = {
  day: string;
  revenue_micros: number;
  refunds_micros: number;
  charged_micros: number;
  provider_cost_micros: number;
  margin_micros: number;
  requests: number;
};

export type FinanceSummary = {
  from: string;
  to: string;
  timezone: "UTC";
  totals: {
    revenue_micros: number;
    refunds_micros: number;
    grants_micros: number;
    corrections_micros: number;
    charged_micros: number;
    provider_cost_micros: number;
    provider_cost_by_class: {
      input_micros: number;
      cache_read_micros: number;
      cache_write_micros: number;
      output_micros: number;
    };
    gross_margin_micros: number;
    gross_margin_percent: number | null;
    byok_fees_micros: number;
    shortfall_micros: number;
    precision_cost_micros: number;
    savings_micros: number;
    requests: number;
    errors: number;
    byok_requests: number;
    liability: Liability;
  };
  by_day: DayRow[];
  by_provider: Breakdown[];
  by_model: Breakdown[];
  by_power_level: Breakdown[];
  top_users: {
    user_id: string;
    email: string | null;
    requests: number;
    charged_micros: number;
    provider_cost_micros: number;
  }[];
};

function breakdown(rows: GroupRow[], dim: GroupRow["dim"], keyOf: (r: GroupRow) => string): Breakdown[] {
  return rows
    .filter((r) => r.dim === dim)
    .map((r) => {
      const charged = num(r.charged_micros);
      const cost = num(r.provider_cost_micros);
      return {
        key: keyOf(r),
        requests: num(r.requests),
        errors: num(r.errors),
        charged_micros: charged,
        provider_cost_micros: cost,
        margin_micros: charged - cost,
        precision_cost_micros: num(r.precision_cost_micros),
        prompt_tokens: num(r.prompt_tokens),
        completion_tokens: num(r.completion_tokens),
      };
    })
    .sort((a, b) => b.charged_micros - a.charged_micros || b.requests - a.requests || a.key.localeCompare(b.key));
}

const SUMS = Prisma.sql`sum(requests)::int8 AS requests, sum(errors)::int8 AS errors, sum(prompt_tokens)::int8 AS prompt_tokens,
  sum(completion_tokens)::int8 AS completion_tokens, sum(charged_micros)::int8 AS charged_micros, sum(provider_cost_micros)::int8 AS provider_cost_micros,
  sum(input_cost_micros)::int8 AS input_cost_micros, sum(cache_read_cost_micros)::int8 AS cache_read_cost_micros,
  sum(cache_write_cost_micros)::int8 AS cache_write_cost_micros, sum(output_cost_micros)::int8 AS output_cost_micros,
  sum(precision_cost_micros)::int8 AS precision_cost_micros`;

export async function financeSummary(db: Db, range: Range, now = new Date()): Promise<FinanceSummary> {
  const { rolled, raw } = splitRange(range, await rolledUntil(db));
  // Every breakdown in one pass over the rows (grouping sets): a few hundred rows come back, not thousands.
  const [usage, ledger, users, liability] = await Promise.all([
    queryRows<GroupRow>(
      db,
      Prisma.sql`
      SELECT CASE WHEN GROUPING(day) = 0 THEN 'day' WHEN GROUPING(provider_slug) = 0 THEN 'provider' WHEN GROUPING(model_name) = 0 THEN 'model'
                  WHEN GROUPING(power_level) = 0 THEN 'level' WHEN GROUPING(byok) = 0 THEN 'byok' ELSE 'all' END AS dim,
             to_char(day, 'YYYY-MM-DD') AS day, provider_slug, model_name, power_level, byok, ${SUMS}
      FROM (${usageSource(rolled, raw)}) u
      GROUP BY GROUPING SETS ((day), (provider_slug), (model_name), (power_level), (byok), ())`,
    ),
    queryRows<{ day: string; type: string; amount: string; shortfall: string }>(
      db,
      Prisma.sql`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, type::text AS type, sum(amount_micros)::int8 AS amount, sum(shortfall_micros)::int8 AS shortfall
      FROM (${ledgerSource(rolled, raw)}) l GROUP BY 1, 2`,
    ),
    queryRows<{ user_id: string; email: string | null; requests: string; charged: string; cost: string }>(
      db,
      Prisma.sql`
      SELECT t.user_id, u.email, t.requests, t.charged, t.cost FROM (
        SELECT user_id, sum(requests)::int8 AS requests, sum(charged_micros)::int8 AS charged, sum(provider_cost_micros)::int8 AS cost
        FROM (${userSource(rolled, raw)}) s GROUP BY 1 ORDER BY 3 DESC, 2 DESC, 1 LIMIT 10) t
      LEFT JOIN users u ON u.id = t.user_id ORDER BY t.charged DESC, t.requests DESC, t.user_id`,
    ),
    liabilityAt(db, range.to < now ? range.to : now, now),
  ]);

  const days = new Map<string, DayRow>();
  for (let t = floorDay(range.from).getTime(); t < range.to.getTime(); t += DAY_MS) {
    const day = ymd(new Date(t));
    days.set(day, {
      day,
      revenue_micros: 0,
      refunds_micros: 0,
      charged_micros: 0,
      provider_cost_micros: 0,
      margin_micros: 0,
      requests: 0,
    });
  }
  const dayOf = (day: string) => days.get(day);

  const byType: Record<string, number> = { PURCHASE: 0, REFUND: 0, GRANT: 0, CORRECTION: 0, CHARGE: 0 };
  let shortfall = 0;
  for (const l of ledger) {
    byType[l.type] = (byType[l.type] ?? 0) + num(l.amount);
    if (l.type === "CHARGE") shortfall += num(l.shortfall);
    const d = dayOf(l.day);
    if (d && l.type === "PURCHASE") d.revenue_micros += num(l.amount);
    if (d && l.type === "REFUND") d.refunds_micros -= num(l.amount);
  }
  for (const r of usage) {
    if (r.dim !== "day") continue;
    const d = dayOf(r.day!);
    if (!d) continue;
    d.charged_micros = num(r.charged_micros);
    d.provider_cost_micros = num(r.provider_cost_micros);
    d.margin_micros = d.charged_micros - d.provider_cost_micros;
    d.requests = num(r.requests);
  }
  const all = usage.find((r) => r.dim === "all");
  const byokRow = usage.find((r) => r.dim === "byok" && r.byok === true);
  const t = {
    charged: num(all?.charged_micros),
    cost: num(all?.provider_cost_micros),
    input: num(all?.input_cost_micros),
    read: num(all?.cache_read_cost_micros),
    write: num(all?.cache_write_cost_micros),
    output: num(all?.output_cost_micros),
    precision: num(all?.precision_cost_micros),
    requests: num(all?.requests),
    errors: num(all?.errors),
    byokRequests: num(byokRow?.requests),
    byokFees: num(byokRow?.charged_micros),
  };
  const margin = t.charged - t.cost;
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    timezone: "UTC",
    totals: {
      revenue_micros: byType.PURCHASE!,
      refunds_micros: -byType.REFUND!,
      grants_micros: byType.GRANT!,
      corrections_micros: byType.CORRECTION!,
      charged_micros: t.charged,
      provider_cost_micros: t.cost,
      provider_cost_by_class: {
        input_micros: t.input,
        cache_read_micros: t.read,
        cache_write_micros: t.write,
        output_micros: t.output,
      },
      gross_margin_micros: margin,
      gross_margin_percent: t.charged === 0 ? null : Math.round((margin / t.charged) * 10_000) / 100,
      byok_fees_micros: t.byokFees,
      shortfall_micros: shortfall,
      precision_cost_micros: t.precision,
      savings_micros: Math.max(0, t.precision - t.charged),
      requests: t.requests,
      errors: t.errors,
      byok_requests: t.byokRequests,
      liability,
    },
    by_day: [...days.values()],
    by_provider: breakdown(usage, "provider", (r) => r.provider_slug!),
    by_model: breakdown(usage, "model", (r) => r.model_name!),
    by_power_level: breakdown(usage, "level", (r) => r.power_level!),
    top_users: users.map((u) => ({
      user_id: u.user_id,
      email: u.email,
      requests: num(u.requests),
      charged_micros: num(u.charged),
      provider_cost_micros: num(u.cost),
    })),
  };
}
