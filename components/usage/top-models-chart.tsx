"use client";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "@/lib/money/units";
import { keyLabel, topBySpend, type UsagePoint } from "@/lib/usage/chart-data";
import { AXIS, categoryAxis, COLORS, GRID, usdTick } from "./chart-theme";

const TOP = 10;

/** The ten models with the highest spend, as horizontal bars. */
export function TopModelsChart({ models }: { models: UsagePoint[] }) {
  const data = topBySpend(models, TOP).map((p) => ({
    name: keyLabel(p.key, "model"),
    spend: p.spend_micros,
    requests: p.requests,
  }));
  const axis = categoryAxis(
    data.map((d) => d.name),
    220,
  );
  return (
    <BarChart
      responsive
      layout="vertical"
      data={data}
      style={{ width: "100%", height: 48 + data.length * 34 }}
      margin={{ top: 4, right: 16, bottom: 0, left: 0 }}
      accessibilityLayer
    >
      <CartesianGrid stroke={GRID} horizontal={false} />
      <XAxis type="number" dataKey="spend" tick={AXIS} tickFormatter={usdTick} tickLine={false} />
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
      <Tooltip
        formatter={(v, _n, item) => [
          `${typeof v === "number" ? formatUsd(v) : String(v)} · ${(item?.payload as { requests?: number } | undefined)?.requests ?? 0} requests`,
          "Spend",
        ]}
      />
      <Bar
        dataKey="spend"
        name="Spend"
        fill={COLORS.spend}
        radius={[0, 2, 2, 0]}
        barSize={20}
        isAnimationActive={false}
      />
    </BarChart>
  );
}
