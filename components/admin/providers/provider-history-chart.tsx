"use client";
import { Bar, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS, GRID } from "@/components/usage/chart-theme";
import type { HistoryPoint } from "@/lib/health/history";
import { formatMs, formatPercent } from "./format";

const COLORS = { success: "#10b981", p50: "#6366f1", p95: "#a855f7", ttft: "#0ea5e9", requests: "#e2e8f0" } as const;
const hourTick = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/**
 * The last 24 hours of one provider: success rate (left axis), latency p50/p95 and first-token
 * p50 (right axis), and calls per hour as faint bars behind them. Hours without calls leave gaps
 * in the lines rather than drawing a zero; dots keep an hour between two gaps visible.
 */
export function ProviderHistoryChart({ history }: { history: HistoryPoint[] }) {
  const maxRequests = Math.max(1, ...history.map((h) => h.requests));
  const data = history.map((h) => ({
    ...h,
    success: h.success_rate === null ? null : h.success_rate * 100,
    volume: (h.requests / maxRequests) * 100,
  }));
  return (
    <ComposedChart
      responsive
      data={data}
      style={{ width: "100%", height: 280 }}
      margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
      accessibilityLayer
    >
      <CartesianGrid stroke={GRID} vertical={false} />
      <XAxis dataKey="hour" tick={AXIS} tickFormatter={hourTick} minTickGap={24} tickLine={false} />
      <YAxis
        yAxisId="rate"
        domain={[0, 100]}
        tick={AXIS}
        tickFormatter={(v) => `${v}%`}
        width={44}
        tickLine={false}
        axisLine={false}
      />
      <YAxis
        yAxisId="ms"
        orientation="right"
        tick={AXIS}
        tickFormatter={(v) => formatMs(Number(v))}
        width={56}
        tickLine={false}
        axisLine={false}
      />
      <Tooltip
        labelFormatter={(hour) => {
          const h = data.find((x) => x.hour === hour);
          return `${new Date(String(hour)).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })} · ${(h?.requests ?? 0).toLocaleString("en-US")} calls`;
        }}
        formatter={(v, name) => {
          if (v === null || v === undefined) return ["–", String(name)];
          return [name === "Success rate" ? formatPercent(Number(v) / 100) : formatMs(Number(v)), String(name)];
        }}
      />
      <Legend wrapperStyle={{ fontSize: 12 }} />
      <Bar
        yAxisId="rate"
        dataKey="volume"
        name="Calls per hour (relative)"
        fill={COLORS.requests}
        tooltipType="none"
        isAnimationActive={false}
      />
      <Line
        yAxisId="rate"
        dataKey="success"
        name="Success rate"
        stroke={COLORS.success}
        strokeWidth={2}
        dot={{ r: 2 }}
        connectNulls={false}
        isAnimationActive={false}
      />
      <Line
        yAxisId="ms"
        dataKey="latency_p50_ms"
        name="Latency p50"
        stroke={COLORS.p50}
        strokeWidth={2}
        dot={{ r: 2 }}
        connectNulls={false}
        isAnimationActive={false}
      />
      <Line
        yAxisId="ms"
        dataKey="latency_p95_ms"
        name="Latency p95"
        stroke={COLORS.p95}
        strokeDasharray="4 3"
        dot={{ r: 2 }}
        connectNulls={false}
        isAnimationActive={false}
      />
      <Line
        yAxisId="ms"
        dataKey="ttft_p50_ms"
        name="First token p50"
        stroke={COLORS.ttft}
        dot={{ r: 2 }}
        connectNulls={false}
        isAnimationActive={false}
      />
    </ComposedChart>
  );
}
