import { formatUsd } from "@/lib/money/units";
import { shortLabel } from "@/lib/usage/chart-data";

/** Shared look of the usage charts (system font, Tailwind's palette). */
export const AXIS = { fontSize: 12, fill: "#64748b" } as const;
export const GRID = "#e2e8f0";
export const COLORS = { spend: "#6366f1", requests: "#0ea5e9", errors: "#f43f5e" } as const;
export const LEVEL_COLORS: Record<string, string> = {
  ECO: "#10b981",
  BALANCED: "#6366f1",
  PRECISION: "#a855f7",
  none: "#94a3b8",
};

/** Axis ticks in micro-USD: $0.0012, $1.25. */
export const usdTick = (value: number) => formatUsd(Number(value));

/** "2025-03-02" → "Mar 2" (the key is a UTC day). */
export const dayTick = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

/**
 * A category axis beside horizontal bars: room for the longest name (about 7 px a character at
 * 12 px) up to `max` px, so the bars keep some room on a phone; longer names are cut to fit, and
 * the tooltip shows them whole.
 */
export function categoryAxis(names: string[], max = 180): { width: number; format: (name: string) => string } {
  const width = Math.min(max, 16 + 7 * Math.max(0, ...names.map((n) => n.length)));
  const chars = Math.floor((width - 16) / 7);
  return { width, format: (name: string) => shortLabel(String(name), chars) };
}
