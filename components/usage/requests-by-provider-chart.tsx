"use client";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { keyLabel, type UsagePoint } from "@/lib/usage/chart-data";
import { AXIS, COLORS, GRID } from "./chart-theme";

/** Requests per provider, failed ones stacked on top. */
export function RequestsByProviderChart({ providers }: { providers: UsagePoint[] }) {
  const data = [...providers]
    .sort((a, b) => b.requests - a.requests || a.key.localeCompare(b.key))
    .map((p) => ({ name: keyLabel(p.key, "provider"), served: p.requests - p.errors, failed: p.errors }));
  return (
    <BarChart responsive data={data} style={{ width: "100%", height: 240 }} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer>
      <CartesianGrid stroke={GRID} vertical={false} />
      <XAxis dataKey="name" tick={AXIS} tickLine={false} interval={0} />
      <YAxis tick={AXIS} allowDecimals={false} width={48} tickLine={false} axisLine={false} />
      <Tooltip />
      <Legend wrapperStyle={{ fontSize: 12 }} />
      <Bar dataKey="served" name="Succeeded" stackId="r" fill={COLORS.requests} maxBarSize={56} isAnimationActive={false} />
      <Bar dataKey="failed" name="Failed" stackId="r" fill={COLORS.errors} radius={[2, 2, 0, 0]} maxBarSize={56} isAnimationActive={false} />
    </BarChart>
  );
}
