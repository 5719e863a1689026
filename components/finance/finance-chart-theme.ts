import { createElement } from "react";
import { Rectangle, type BarShapeProps } from "recharts";

/** Colours of the finance charts, beside the usage charts' (components/usage/chart-theme.ts). */
export const FINANCE_COLORS = {
  revenue: "#10b981",
  refunds: "#f43f5e",
  charged: "#6366f1",
  cost: "#f59e0b",
  margin: "#0f172a",
  precision: "#a855f7",
  selected: "#312e81",
} as const;

export const TOKEN_CLASS_COLORS = ["#0ea5e9", "#14b8a6", "#8b5cf6", "#f59e0b"] as const;

/**
 * The row a click on a chart landed in: Recharts reports the index of the category under the
 * pointer (a number, or its string form), anywhere in the bar's band, so thin bars are easy to hit.
 */
export function clickedIndex(state: { activeTooltipIndex?: unknown } | null | undefined): number | null {
  const raw = state?.activeTooltipIndex;
  const index = typeof raw === "number" ? raw : typeof raw === "string" && raw !== "" ? Number(raw) : Number.NaN;
  return Number.isInteger(index) && index >= 0 ? index : null;
}

/** A bar shape whose colour comes from the bar's index (undefined: the Bar's own fill). */
export function paintBars(color: (index: number) => string | undefined) {
  function PaintedBar(props: BarShapeProps) {
    return createElement(Rectangle, { ...props, fill: color(props.index) ?? props.fill });
  }
  return PaintedBar;
}

/** A bar shape that paints the bar at `selected` (the one drilled into) in the selection colour. */
export function highlightAt(selected: number) {
  return paintBars((index) => (index === selected ? FINANCE_COLORS.selected : undefined));
}
