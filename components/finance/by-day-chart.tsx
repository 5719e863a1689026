"use client";
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS, dayTick, GRID, usdTick } from "@/components/usage/chart-theme";
import { formatUsd } from "@/lib/money/units";
import { clickedIndex, FINANCE_COLORS, highlightAt } from "./finance-chart-theme";
import type { FinanceDay } from "./finance-query";
import { count } from "./format";

/**
 * Each UTC day: revenue above the zero line and provider cost below it (stacked by sign), and the
 * day's margin (usage charged − provider cost) as a line. A click on a day opens its requests.
 */
export function ByDayChart({
  days,
  selected,
  onPick,
}: {
  days: FinanceDay[];
  selected?: string;
  onPick: (day: string) => void;
}) {
  const shape = highlightAt(days.findIndex((d) => d.day === selected));
  const data = days.map((d) => ({
    day: d.day,
    revenue: d.revenue_micros,
    cost: -d.provider_cost_micros,
    margin: d.margin_micros,
    requests: d.requests,
  }));
  return (
    <ComposedChart
      responsive
      data={data}
      stackOffset="sign"
      style={{ width: "100%", height: 280, cursor: "pointer" }}
      margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
      accessibilityLayer
      onClick={(state) => {
        const i = clickedIndex(state);
        if (i !== null && data[i]) onPick(data[i].day);
      }}
    >
      <CartesianGrid stroke={GRID} vertical={false} />
      <XAxis dataKey="day" tick={AXIS} tickFormatter={dayTick} minTickGap={16} tickLine={false} />
      <YAxis tick={AXIS} tickFormatter={usdTick} width={80} tickLine={false} axisLine={false} />
      <ReferenceLine y={0} stroke="#94a3b8" />
      <Tooltip
        labelFormatter={(d) =>
          `${dayTick(String(d))} (UTC) · ${count(data.find((x) => x.day === d)?.requests ?? 0)} requests`
        }
        formatter={(v, name) => [typeof v === "number" ? formatUsd(Math.abs(v)) : String(v), String(name)]}
      />
      <Legend wrapperStyle={{ fontSize: 12 }} />
      <Bar
        dataKey="revenue"
        name="Revenue"
        stackId="money"
        fill={FINANCE_COLORS.revenue}
        shape={shape}
        isAnimationActive={false}
      />
      <Bar
        dataKey="cost"
        name="Provider cost (below zero)"
        stackId="money"
        fill={FINANCE_COLORS.cost}
        shape={shape}
        isAnimationActive={false}
      />
      <Line
        dataKey="margin"
        name="Margin"
        type="monotone"
        stroke={FINANCE_COLORS.margin}
        strokeWidth={2}
        dot={false}
        isAnimationActive={false}
      />
    </ComposedChart>
  );
}
