"use client";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "@/lib/money/units";
import type { UsagePoint } from "@/lib/usage/chart-data";
import { AXIS, COLORS, dayTick, GRID, usdTick } from "./chart-theme";

/** Spend per UTC day; `days` already has a zero point for each day without usage. */
export function SpendByDayChart({ days }: { days: UsagePoint[] }) {
  return (
    <BarChart
      responsive
      data={days}
      style={{ width: "100%", height: 240 }}
      margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
      accessibilityLayer
    >
      <CartesianGrid stroke={GRID} vertical={false} />
      <XAxis dataKey="key" tick={AXIS} tickFormatter={dayTick} minTickGap={16} tickLine={false} />
      <YAxis tick={AXIS} tickFormatter={usdTick} width={72} allowDecimals={false} tickLine={false} axisLine={false} />
      <Tooltip
        labelFormatter={(d) => dayTick(String(d))}
        formatter={(v) => [typeof v === "number" ? formatUsd(v) : String(v), "Spend"]}
      />
      <Bar dataKey="spend_micros" name="Spend" fill={COLORS.spend} radius={[2, 2, 0, 0]} isAnimationActive={false} />
    </BarChart>
  );
}
