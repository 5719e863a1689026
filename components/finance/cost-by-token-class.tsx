"use client";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS, GRID, usdTick } from "@/components/usage/chart-theme";
import { formatUsd } from "@/lib/money/units";
import { paintBars, TOKEN_CLASS_COLORS } from "./finance-chart-theme";
import type { FinanceTotals } from "./finance-query";
import { formatPercent } from "./format";
import { MoneyCell, TableScroll } from "./table-parts";

const CLASSES = [
  { key: "input_micros", name: "Input", about: "prompt tokens read at the full price" },
  { key: "cache_read_micros", name: "Cache read", about: "prompt tokens the provider served from its cache" },
  { key: "cache_write_micros", name: "Cache write", about: "prompt tokens written to the provider's cache" },
  { key: "output_micros", name: "Output", about: "completion tokens, reasoning included" },
] as const;

const shape = paintBars((index) => TOKEN_CLASS_COLORS[index]);

/** What the provider cost is made of: the four token classes providers price apart. */
export function CostByTokenClass({
  byClass,
  total,
}: {
  byClass: FinanceTotals["provider_cost_by_class"];
  total: number;
}) {
  const data = CLASSES.map((c) => ({ name: c.name, cost: byClass[c.key] }));
  return (
    <div className="space-y-3">
      <BarChart
        responsive
        data={data}
        style={{ width: "100%", height: 220 }}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        accessibilityLayer
      >
        <CartesianGrid stroke={GRID} vertical={false} />
        <XAxis dataKey="name" tick={AXIS} interval={0} tickLine={false} />
        <YAxis tick={AXIS} tickFormatter={usdTick} width={80} tickLine={false} axisLine={false} />
        <Tooltip formatter={(v) => [typeof v === "number" ? formatUsd(v) : String(v), "Provider cost"]} />
        <Bar dataKey="cost" name="Provider cost" fill={TOKEN_CLASS_COLORS[0]} shape={shape} isAnimationActive={false} />
      </BarChart>
      <TableScroll>
        <table
          className="w-full min-w-[24rem] text-left text-sm"
          aria-label="Provider cost by token class"
          data-testid="token-class-table"
        >
          <thead className="text-xs text-slate-500 uppercase">
            <tr>
              <th className="py-2 pr-3">Token class</th>
              <th className="pr-3 text-right">Provider cost</th>
              <th className="text-right">Share</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {CLASSES.map((c) => (
              <tr key={c.key}>
                <td className="py-1.5 pr-3">
                  <span className="font-medium">{c.name}</span>{" "}
                  <span className="text-xs text-slate-500">{c.about}</span>
                </td>
                <MoneyCell micros={byClass[c.key]} />
                <td className="text-right whitespace-nowrap tabular-nums">
                  {total > 0 ? formatPercent((byClass[c.key] / total) * 100) : "—"}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot className="border-t border-slate-200 font-medium">
            <tr>
              <td className="py-1.5 pr-3">Total</td>
              <MoneyCell micros={total} />
              <td />
            </tr>
          </tfoot>
        </table>
      </TableScroll>
    </div>
  );
}
