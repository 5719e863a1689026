import type { Db } from "../db/client.ts";
import { DAY_MS, floorDay, rolledUntil } from "./rollup.ts";
import { splitRange, type Range } from "./range.ts";
import { ledgerSource, usageSource, userSource } from "./sources.ts";
import { liabilityAt, type Liability } from "./liability.ts";

/**
 * What finance sees for a range, to the micro-dollar: money in (Stripe purchases, refunds,
 * grants, corrections) from the ledger; money earned (usage charged) and owed to providers
 * (provider cost, by token class) from the usage rows the ledger's charges were written with;
 * margin, shortfalls, savings versus PRECISION, and the credit liability at the range's end.
 */

const n = (v: bigint | number | null | undefined) => (v == null ? 0 : Number(v));

type UsageRow = {
  day: Date; provider_slug: string; model_name: string; power_level: string; byok: boolean;
  requests: bigint; errors: bigint; prompt_tokens: bigint; completion_tokens: bigint; cache_read_tokens: bigint; cache_write_tokens: bigint;
  reasoning_tokens: bigint; charged_micros: bigint; provider_cost_micros: bigint; input_cost_micros: bigint; cache_read_cost_micros: bigint;
  cache_write_cost_micros: bigint; output_cost_micros: bigint; precision_cost_micros: bigint;
};

export type Breakdown = {
  key: string; requests: number; errors: number; charged_micros: number; provider_cost_micros: number; margin_micros: number;
  precision_cost_micros: number; prompt_tokens: number; completion_tokens: number;
};

export type DayRow = { day: string; revenue_micros: number; refunds_micros: number; charged_micros: number; provider_cost_micros: number; margin_micros: number; requests: number };

export type FinanceSummary = {
  from: string; to: string; timezone: "UTC";
  totals: {
    revenue_micros: number; refunds_micros: number; grants_micros: number; corrections_micros: number;
    charged_micros: number; provider_cost_micros: number;
    provider_cost_by_class: { input_micros: number; cache_read_micros: number; cache_write_micros: number; output_micros: number };
    gross_margin_micros: number; gross_margin_percent: number | null;
    byok_fees_micros: number; shortfall_micros: number; precision_cost_micros: number; savings_micros: number;
    requests: number; errors: number; byok_requests: number;
    liability: Liability;
  };
  by_day: DayRow[]; by_provider: Breakdown[]; by_model: Breakdown[]; by_power_level: Breakdown[];
  top_users: { user_id: string; email: string | null; requests: number; charged_micros: number; provider_cost_micros: number }[];
};

function breakdown(rows: UsageRow[], keyOf: (r: UsageRow) => string): Breakdown[] {
  const out = new Map<string, Breakdown>();
  for (const r of rows) {
    const key = keyOf(r);
    const b = out.get(key) ?? { key, requests: 0, errors: 0, charged_micros: 0, provider_cost_micros: 0, margin_micros: 0, precision_cost_micros: 0, prompt_tokens: 0, completion_tokens: 0 };
    b.requests += n(r.requests);
    b.errors += n(r.errors);
    b.charged_micros += n(r.charged_micros);
    b.provider_cost_micros += n(r.provider_cost_micros);
    b.margin_micros = b.charged_micros - b.provider_cost_micros;
    b.precision_cost_micros += n(r.precision_cost_micros);
    b.prompt_tokens += n(r.prompt_tokens);
    b.completion_tokens += n(r.completion_tokens);
    out.set(key, b);
  }
  return [...out.values()].sort((a, b) => b.charged_micros - a.charged_micros || b.requests - a.requests || a.key.localeCompare(b.key));
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);

export async function financeSummary(db: Db, range: Range, now = new Date()): Promise<FinanceSummary> {
  const { rolled, raw } = splitRange(range, await rolledUntil(db));
  const [usage, ledger, users, liability] = await Promise.all([
    db.$queryRaw<UsageRow[]>(usageSource(rolled, raw)),
    db.$queryRaw<{ day: Date; type: string; amount: bigint; shortfall: bigint }[]>`
      SELECT day, type::text AS type, sum(amount_micros)::bigint AS amount, sum(shortfall_micros)::bigint AS shortfall
      FROM (${ledgerSource(rolled, raw)}) l GROUP BY 1, 2`,
    db.$queryRaw<{ user_id: string; email: string | null; requests: bigint; charged: bigint; cost: bigint }[]>`
      SELECT t.user_id, u.email, t.requests, t.charged, t.cost FROM (
        SELECT user_id, sum(requests)::bigint AS requests, sum(charged_micros)::bigint AS charged, sum(provider_cost_micros)::bigint AS cost
        FROM (${userSource(rolled, raw)}) s GROUP BY 1 ORDER BY 3 DESC, 2 DESC, 1 LIMIT 10) t
      LEFT JOIN users u ON u.id = t.user_id ORDER BY t.charged DESC, t.requests DESC, t.user_id`,
    liabilityAt(db, range.to < now ? range.to : now, now),
  ]);

  const days = new Map<string, DayRow>();
  for (let t = floorDay(range.from).getTime(); t < range.to.getTime(); t += DAY_MS) {
    const day = ymd(new Date(t));
    days.set(day, { day, revenue_micros: 0, refunds_micros: 0, charged_micros: 0, provider_cost_micros: 0, margin_micros: 0, requests: 0 });
  }
  const dayOf = (d: Date) => days.get(ymd(d))!;

  const byType = { PURCHASE: 0, REFUND: 0, GRANT: 0, CORRECTION: 0, CHARGE: 0 } as Record<string, number>;
  let shortfall = 0;
  for (const l of ledger) {
    byType[l.type] = (byType[l.type] ?? 0) + n(l.amount);
    if (l.type === "CHARGE") shortfall += n(l.shortfall);
    const d = dayOf(l.day);
    if (l.type === "PURCHASE") d.revenue_micros += n(l.amount);
    if (l.type === "REFUND") d.refunds_micros -= n(l.amount);
  }

  const t = { charged: 0, cost: 0, input: 0, read: 0, write: 0, output: 0, precision: 0, requests: 0, errors: 0, byokRequests: 0, byokFees: 0 };
  for (const r of usage) {
    t.charged += n(r.charged_micros);
    t.cost += n(r.provider_cost_micros);
    t.input += n(r.input_cost_micros);
    t.read += n(r.cache_read_cost_micros);
    t.write += n(r.cache_write_cost_micros);
    t.output += n(r.output_cost_micros);
    t.precision += n(r.precision_cost_micros);
    t.requests += n(r.requests);
    t.errors += n(r.errors);
    if (r.byok) {
      t.byokRequests += n(r.requests);
      t.byokFees += n(r.charged_micros);
    }
    const d = dayOf(r.day);
    d.charged_micros += n(r.charged_micros);
    d.provider_cost_micros += n(r.provider_cost_micros);
    d.margin_micros = d.charged_micros - d.provider_cost_micros;
    d.requests += n(r.requests);
  }
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
      provider_cost_by_class: { input_micros: t.input, cache_read_micros: t.read, cache_write_micros: t.write, output_micros: t.output },
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
    by_provider: breakdown(usage, (r) => r.provider_slug),
    by_model: breakdown(usage, (r) => r.model_name),
    by_power_level: breakdown(usage, (r) => r.power_level),
    top_users: users.map((u) => ({ user_id: u.user_id, email: u.email, requests: n(u.requests), charged_micros: n(u.charged), provider_cost_micros: n(u.cost) })),
  };
}

