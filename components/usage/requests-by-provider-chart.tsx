"use client";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { keyLabel, type UsagePoint } from "@/lib/usage/chart-data";
import { AXIS, categoryAxis, COLORS, GRID } from "./chart-theme";

/**
 * Requests per provider, failed ones stacked after the served ones. Horizontal bars: provider
 * names sit in a column of their own, where a long one cannot run into its neighbours.
 */
export function RequestsByProviderChart({ providers }: { providers: UsagePoint[] }) {
  const data = [...providers]
    .sort((a, b) => b.requests - a.requests || a.key.localeCompare(b.key))
    .map((p) => ({ name: keyLabel(p.key, "provider"), served: p.requests - p.errors, failed: p.errors }));
  const axis = categoryAxis(data.map((d) => d.name));
  return (
    <BarChart
      responsive
      layout="vertical"
      data={data}
      style={{ width: "100%", height: 72 + data.length * 34 }}
      margin={{ top: 4, right: 16, bottom: 0, left: 0 }}
      accessibilityLayer
    >
      <CartesianGrid stroke={GRID} horizontal={false} />
      <XAxis type="number" tick={AXIS} allowDecimals={false} tickLine={false} />
      <YAxis
        type="category"
        dataKey="name"
        tick={AXIS}
        width={axis.width}
        interval={0}
        tickFormatter={axis.format}
        tickLine={false}
        axisLine={false}
      />
      <Tooltip />
      <Legend wrapperStyle={{ fontSize: 12 }} />
      <Bar
        dataKey="served"
        name="Succeeded"
        stackId="r"
        fill={COLORS.requests}
        barSize={20}
        isAnimationActive={false}
      />
      <Bar
        dataKey="failed"
        name="Failed"
        stackId="r"
        fill={COLORS.errors}
        radius={[0, 2, 2, 0]}
        barSize={20}
        isAnimationActive={false}
      />
    </BarChart>
  );
}
