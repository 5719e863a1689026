/**
 * The date range of the finance page (/finance): its presets, and reading and checking the range
 * and drill-down a URL carries. Pure; every date is a UTC day, YYYY-MM-DD, both ends inclusive
 * (the finance API reads a bare `to` as that whole day).
 */
import { inclusiveDays, utcDay } from "./chart-data.ts";

const DAY_MS = 86_400_000;
/** The finance API's longest range. */
export const MAX_RANGE_DAYS = 366;

export type DayRange = { from: string; to: string };
export type FinancePreset = "this-month" | "last-month" | "last-30-days";

export const FINANCE_PRESETS: readonly { id: FinancePreset; label: string }[] = [
  { id: "this-month", label: "This month" },
  { id: "last-month", label: "Last month" },
  { id: "last-30-days", label: "Last 30 days" },
];

/** A preset's days: this month up to today, the whole previous month, or the last 30 days with today. */
export function financePresetRange(preset: FinancePreset, now = new Date()): DayRange {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const today = Date.UTC(y, m, now.getUTCDate());
  switch (preset) {
    case "this-month":
      return { from: utcDay(new Date(Date.UTC(y, m, 1))), to: utcDay(new Date(today)) };
    case "last-month":
      return { from: utcDay(new Date(Date.UTC(y, m - 1, 1))), to: utcDay(new Date(Date.UTC(y, m, 0))) };
    case "last-30-days":
      return { from: utcDay(new Date(today - 29 * DAY_MS)), to: utcDay(new Date(today)) };
  }
}

/** The first preset whose days are exactly `range`, or null (a custom range). */
export function financePresetOf(range: DayRange, now = new Date()): FinancePreset | null {
  return FINANCE_PRESETS.find(({ id }) => sameRange(financePresetRange(id, now), range))?.id ?? null;
}

export function sameRange(a: DayRange, b: DayRange): boolean {
  return a.from === b.from && a.to === b.to;
}

/** A real calendar day written YYYY-MM-DD (no 2025-02-30). */
export function isUtcDay(text: string | null | undefined): text is string {
  if (!text || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const t = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(t) && utcDay(new Date(t)) === text;
}

/** What is wrong with a range, in a sentence, or null when the API will take it. */
export function rangeProblem(range: { from: string; to: string }): string | null {
  if (!range.from || !range.to) return "Pick both dates.";
  if (!isUtcDay(range.from) || !isUtcDay(range.to)) return "Dates must be real days (YYYY-MM-DD).";
  const days = inclusiveDays(range.from, range.to);
  if (days === 0) return "The start must not be after the end.";
  if (days > MAX_RANGE_DAYS) return `A range may span at most ${MAX_RANGE_DAYS} days.`;
  return null;
}

/** Is `day` one of the range's days? */
export function dayInRange(day: string, range: DayRange): boolean {
  return day >= range.from && day <= range.to;
}

/**
 * The range a URL asks for (`?from=&to=`). Without one it is this month; one the API would refuse
 * is replaced by this month too, with the reason, so a bad link still opens a page.
 */
export function rangeFromQuery(
  from: string | null,
  to: string | null,
  now = new Date(),
): { range: DayRange; problem: string | null } {
  if (!from && !to) return { range: financePresetRange("this-month", now), problem: null };
  const problem = rangeProblem({ from: from ?? "", to: to ?? "" });
  if (problem)
    return {
      range: financePresetRange("this-month", now),
      problem: `The link's range was not used (${problem.replace(/\.$/, "")}); showing this month.`,
    };
  return { range: { from: from!, to: to! }, problem: null };
}

/** The rows behind a bar or table row: the finance API's drill-down filters. */
export const DRILL_KEYS = ["day", "provider", "model", "power_level", "user_id"] as const;
export type DrillKey = (typeof DRILL_KEYS)[number];
export type Drill = Partial<Record<DrillKey, string>>;

/**
 * The drill-down a URL carries. A day outside the range is dropped (the range moved on), and so
 * is a malformed one; the other filters are opaque keys the API checks.
 */
export function drillFromQuery(params: { get(name: string): string | null }, range: DayRange): Drill {
  const drill: Drill = {};
  for (const key of DRILL_KEYS) {
    const value = params.get(key)?.trim();
    if (value) drill[key] = value.slice(0, 200);
  }
  if (drill.day && !(isUtcDay(drill.day) && dayInRange(drill.day, range))) delete drill.day;
  return drill;
}

/** The page's query string: the range first, then the drill-down filters in a fixed order. */
export function financeQuery(range: DayRange, drill: Drill = {}): string {
  const params = new URLSearchParams({ from: range.from, to: range.to });
  for (const key of DRILL_KEYS) if (drill[key]) params.set(key, drill[key]!);
  return params.toString();
}
