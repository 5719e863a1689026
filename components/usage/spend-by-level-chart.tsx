"use client";
import { Legend, Pie, PieChart, Tooltip } from "recharts";
import { formatUsd } from "@/lib/money/units";
import { keyLabel, withSpend, type UsagePoint } from "@/lib/usage/chart-data";
import { LEVEL_COLORS } from "./chart-theme";

/** Share of spend per power level; levels that cost nothing have no slice. */
export function SpendByLevelChart({ levels }: { levels: UsagePoint[] }) {
  const data = withSpend(levels).map((p) => ({
    name: keyLabel(p.key, "power_level"),
    value: p.spend_micros,
    fill: LEVEL_COLORS[p.key] ?? LEVEL_COLORS.none,
  }));
  if (data.length === 0) {
    return (
      <p className="flex h-60 items-center justify-center text-center text-sm text-slate-500">
        No spend in this range: every request was free.
      </p>
    );
  }
  return (
    <PieChart responsive style={{ width: "100%", height: 240 }} accessibilityLayer>
      <Pie
        data={data}
        dataKey="value"
        nameKey="name"
        innerRadius="50%"
        outerRadius="80%"
        paddingAngle={1}
        isAnimationActive={false}
      />
      <Tooltip formatter={(v, name) => [typeof v === "number" ? formatUsd(v) : String(v), String(name)]} />
      <Legend wrapperStyle={{ fontSize: 12 }} />
    </PieChart>
  );
}
