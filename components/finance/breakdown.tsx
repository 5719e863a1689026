"use client";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS, categoryAxis, GRID, usdTick } from "@/components/usage/chart-theme";
import { formatUsd } from "@/lib/money/units";
import { clickedIndex, FINANCE_COLORS, highlightAt } from "./finance-chart-theme";
import type { Breakdown } from "./finance-query";
import { breakdownLabel, count, DIMENSION_LABEL, type Dimension } from "./format";
import { DrillButton, MoneyCell, NumberCell, TableScroll } from "./table-parts";

/** At most this many bars; the table below lists every row. */
const CHART_ROWS = 10;

/**
 * Usage charged and provider cost per provider, model or power level, as horizontal bars (long
 * names sit in their own column), with a table of the exact figures. A click on a bar or a row's
 * name opens the requests behind it.
 */
export function BreakdownPanel({
  rows,
  dimension,
  selected,
  onPick,
}: {
  rows: Breakdown[];
  dimension: Dimension;
  selected?: string;
  onPick: (key: string) => void;
}) {
  const shown = rows.slice(0, CHART_ROWS);
  const data = shown.map((r) => ({
    key: r.key,
    name: breakdownLabel(r.key, dimension),
    charged: r.charged_micros,
    cost: r.provider_cost_micros,
    requests: r.requests,
  }));
  const axis = categoryAxis(
    data.map((d) => d.name),
    dimension === "model" ? 220 : 180,
  );
  const shape = highlightAt(data.findIndex((d) => d.key === selected));
  const label = DIMENSION_LABEL[dimension];
  return (
    <div className="space-y-3">
      {rows.length > CHART_ROWS && (
        <p className="text-xs text-slate-500">
          The chart shows the {CHART_ROWS} with the most usage charged; the table lists all {count(rows.length)}.
        </p>
      )}
      <BarChart
        responsive
        layout="vertical"
        data={data}
        style={{ width: "100%", height: 72 + data.length * 44, cursor: "pointer" }}
        margin={{ top: 4, right: 16, bottom: 0, left: 0 }}
        accessibilityLayer
        onClick={(state) => {
          const i = clickedIndex(state);
          if (i !== null && data[i]) onPick(data[i].key);
        }}
      >
        <CartesianGrid stroke={GRID} horizontal={false} />
        <XAxis type="number" tick={AXIS} tickFormatter={usdTick} tickLine={false} />
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
        <Tooltip formatter={(v, name) => [typeof v === "number" ? formatUsd(v) : String(v), String(name)]} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar
          dataKey="charged"
          name="Usage charged"
          fill={FINANCE_COLORS.charged}
          shape={shape}
          barSize={14}
          isAnimationActive={false}
        />
        <Bar
          dataKey="cost"
          name="Provider cost"
          fill={FINANCE_COLORS.cost}
          shape={shape}
          barSize={14}
          isAnimationActive={false}
        />
      </BarChart>
      <TableScroll>
        <table
          className="w-full min-w-[40rem] text-left text-sm"
          aria-label={`By ${label.toLowerCase()}`}
          data-testid={`by-${dimension}-table`}
        >
          <thead className="text-xs text-slate-500 uppercase">
            <tr>
              <th className="py-2 pr-3">{label}</th>
              <th className="pr-3 text-right">Requests</th>
              <th className="pr-3 text-right">Failed</th>
              <th className="pr-3 text-right">Charged</th>
              <th className="pr-3 text-right">Provider cost</th>
              <th className="pr-3 text-right">Margin</th>
              <th className="text-right">Tokens in / out</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => (
              <tr key={r.key} className={r.key === selected ? "bg-indigo-50" : undefined}>
                <td className="py-1.5 pr-3">
                  <DrillButton
                    label={breakdownLabel(r.key, dimension)}
                    what={`${label.toLowerCase()} ${breakdownLabel(r.key, dimension)}`}
                    pressed={r.key === selected}
                    onClick={() => onPick(r.key)}
                  />
                </td>
                <NumberCell value={r.requests} />
                <NumberCell value={r.errors} />
                <MoneyCell micros={r.charged_micros} />
                <MoneyCell micros={r.provider_cost_micros} />
                <MoneyCell micros={r.margin_micros} />
                <td className="text-right whitespace-nowrap tabular-nums">
                  {count(r.prompt_tokens)} / {count(r.completion_tokens)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </div>
  );
}
