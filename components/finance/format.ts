import { dayTick } from "@/components/usage/chart-theme";
import { keyLabel } from "@/lib/usage/chart-data";

/** Counts as people read them: 12,345. */
export const count = (n: number) => n.toLocaleString("en-US");

/** A share in percent (the API sends 42.86 for 42.86 %), or a dash when there is none. */
export function formatPercent(percent: number | null): string {
  return percent === null || !Number.isFinite(percent)
    ? "—"
    : `${percent.toLocaleString("en-US", { maximumFractionDigits: 2 })}%`;
}

/** A moment in UTC, as the page shows every time: "Mar 2, 2025, 14:03:09 UTC". */
export function utcMoment(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toLocaleString("en-US", { timeZone: "UTC", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })} UTC`;
}

/** "2025-03-02" → "Mar 2, 2025" (a UTC day). */
export function longDay(day: string): string {
  return `${dayTick(day)}, ${day.slice(0, 4)}`;
}

export type Dimension = "provider" | "model" | "power_level";

export const DIMENSION_LABEL: Record<Dimension, string> = {
  provider: "Provider",
  model: "Model",
  power_level: "Power level",
};

/** A breakdown key for people: the API says "none" for a request never served. */
export const breakdownLabel = (key: string, dimension: Dimension) => keyLabel(key, dimension);
