/**
 * Shapes GET /api/usage answers for the charts on /usage: one point per UTC day (zeros included),
 * the top N keys by spend, and the preset date ranges. Pure; money stays integer micro-USD.
 */

const DAY_MS = 86_400_000;

export type UsageFields = {
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  spend_usd: number;
  spend_micros: number;
  precision_cost_usd: number;
  savings_usd: number;
};

export type UsagePoint = UsageFields & { key: string };

export const EMPTY_USAGE: UsageFields = {
  requests: 0,
  errors: 0,
  prompt_tokens: 0,
  completion_tokens: 0,
  spend_usd: 0,
  spend_micros: 0,
  precision_cost_usd: 0,
  savings_usd: 0,
};

/** YYYY-MM-DD of a moment, in UTC (the API groups days in UTC). */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Every UTC day that overlaps [from, to): the API's `from`/`to` are ISO datetimes with `to` exclusive. */
export function daysInRange(from: string, to: string): string[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return [];
  const days: string[] = [];
  for (let t = Math.floor(start / DAY_MS) * DAY_MS; t < end; t += DAY_MS) days.push(utcDay(new Date(t)));
  return days;
}

/** The `group_by=day` series with a zero point for each day of the range that had no requests. */
export function fillDays(series: UsagePoint[], from: string, to: string): UsagePoint[] {
  const byDay = new Map(series.map((p) => [p.key, p]));
  return daysInRange(from, to).map((day) => byDay.get(day) ?? { key: day, ...EMPTY_USAGE });
}

/** The `n` keys with the highest spend (then most requests, then by name), highest first. */
export function topBySpend(series: UsagePoint[], n = 10): UsagePoint[] {
  return [...series]
    .sort((a, b) => b.spend_micros - a.spend_micros || b.requests - a.requests || a.key.localeCompare(b.key))
    .slice(0, Math.max(0, n));
}

/** Keys with any spend, highest first: a pie of spend has no slice for zero. */
export function withSpend(series: UsagePoint[]): UsagePoint[] {
  return topBySpend(
    series.filter((p) => p.spend_micros > 0),
    series.length,
  );
}

/** The last `days` UTC days, today included, as the API's inclusive YYYY-MM-DD dates. */
export function presetRange(days: number, now = new Date()): { from: string; to: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { from: utcDay(new Date(today - (Math.max(1, days) - 1) * DAY_MS)), to: utcDay(new Date(today)) };
}

/** Days from `from` to `to` inclusive (YYYY-MM-DD); 0 when either is invalid or to < from. */
export function inclusiveDays(from: string, to: string): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) return 0;
  return Math.round((b - a) / DAY_MS) + 1;
}

/** A readable label for a series key; the API says "none" when a request was never served. */
export function keyLabel(key: string, groupBy: "provider" | "model" | "power_level" | "day"): string {
  if (key !== "none") return key;
  return groupBy === "power_level" ? "unknown" : "not served";
}

/**
 * An axis label cut to `max` characters with an ellipsis: a chart's text cannot wrap, and a long
 * model name would run off the chart. The chart's tooltip carries the whole name.
 */
export function shortLabel(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, Math.max(1, max - 1))
        .join("")
        .trimEnd()}…`;
}
