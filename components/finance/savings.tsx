"use client";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS, GRID, usdTick } from "@/components/usage/chart-theme";
import { formatUsd } from "@/lib/money/units";
import { FINANCE_COLORS } from "./finance-chart-theme";
import type { Breakdown, FinanceTotals } from "./finance-query";
import { breakdownLabel } from "./format";
import { MoneyCell, TableScroll } from "./table-parts";

/**
 * What routing saved users: per power level served, what was charged beside what the same tokens
 * would have cost on PRECISION's model.
 */
export function Savings({
  levels,
  totals,
}: {
  levels: Breakdown[];
  totals: Pick<FinanceTotals, "charged_micros" | "precision_cost_micros" | "savings_micros">;
}) {
  const data = levels.map((l) => ({
    name: breakdownLabel(l.key, "power_level"),
    charged: l.charged_micros,
    precision: l.precision_cost_micros,
  }));
  return (
    <div className="space-y-3">
      <BarChart
        responsive
        data={data}
        style={{ width: "100%", height: 240 }}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        accessibilityLayer
      >
        <CartesianGrid stroke={GRID} vertical={false} />
        <XAxis dataKey="name" tick={AXIS} interval={0} tickLine={false} />
        <YAxis tick={AXIS} tickFormatter={usdTick} width={80} tickLine={false} axisLine={false} />
        <Tooltip formatter={(v, name) => [typeof v === "number" ? formatUsd(v) : String(v), String(name)]} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar
          dataKey="charged"
          name="Charged"
          fill={FINANCE_COLORS.charged}
          radius={[2, 2, 0, 0]}
          isAnimationActive={false}
        />
        <Bar
          dataKey="precision"
          name="At PRECISION"
          fill={FINANCE_COLORS.precision}
          radius={[2, 2, 0, 0]}
          isAnimationActive={false}
        />
      </BarChart>
      <TableScroll>
        <table
          className="w-full min-w-[28rem] text-left text-sm"
          aria-label="Savings vs PRECISION"
          data-testid="savings-table"
        >
          <thead className="text-xs text-slate-500 uppercase">
            <tr>
              <th className="py-2 pr-3">Level served</th>
              <th className="pr-3 text-right">Charged</th>
              <th className="pr-3 text-right">At PRECISION</th>
              <th className="pr-3 text-right">Saved</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {levels.map((l) => (
              <tr key={l.key}>
                <td className="py-1.5 pr-3 font-medium">{breakdownLabel(l.key, "power_level")}</td>
                <MoneyCell micros={l.charged_micros} />
                <MoneyCell micros={l.precision_cost_micros} />
                <MoneyCell micros={l.precision_cost_micros - l.charged_micros} />
              </tr>
            ))}
          </tbody>
          <tfoot className="border-t border-slate-200 font-medium">
            <tr>
              <td className="py-1.5 pr-3">Total</td>
              <MoneyCell micros={totals.charged_micros} />
              <MoneyCell micros={totals.precision_cost_micros} />
              <MoneyCell micros={totals.savings_micros} />
            </tr>
          </tfoot>
        </table>
      </TableScroll>
    </div>
  );
}
