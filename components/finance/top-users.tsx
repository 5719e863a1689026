"use client";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS, categoryAxis, GRID, usdTick } from "@/components/usage/chart-theme";
import { formatUsd } from "@/lib/money/units";
import { clickedIndex, FINANCE_COLORS, highlightAt } from "./finance-chart-theme";
import type { TopUser } from "./finance-query";
import { DrillButton, MoneyCell, NumberCell, TableScroll } from "./table-parts";

/** A user as people know them; a deleted user has only their id left. */
export const userLabel = (u: { user_id: string; email: string | null }) => u.email ?? `deleted user ${u.user_id}`;

/** The ten users with the most usage charged; a click on one opens their requests. */
export function TopUsers({
  users,
  selected,
  onPick,
}: {
  users: TopUser[];
  selected?: string;
  onPick: (userId: string) => void;
}) {
  const data = users.map((u) => ({
    id: u.user_id,
    name: userLabel(u),
    charged: u.charged_micros,
    requests: u.requests,
  }));
  const axis = categoryAxis(
    data.map((d) => d.name),
    200,
  );
  const shape = highlightAt(data.findIndex((d) => d.id === selected));
  return (
    <div className="space-y-3">
      <BarChart
        responsive
        layout="vertical"
        data={data}
        style={{ width: "100%", height: 48 + data.length * 34, cursor: "pointer" }}
        margin={{ top: 4, right: 16, bottom: 0, left: 0 }}
        accessibilityLayer
        onClick={(state) => {
          const i = clickedIndex(state);
          if (i !== null && data[i]) onPick(data[i].id);
        }}
      >
        <CartesianGrid stroke={GRID} horizontal={false} />
        <XAxis type="number" dataKey="charged" tick={AXIS} tickFormatter={usdTick} tickLine={false} />
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
            "Usage charged",
          ]}
        />
        <Bar
          dataKey="charged"
          name="Usage charged"
          fill={FINANCE_COLORS.charged}
          shape={shape}
          barSize={20}
          isAnimationActive={false}
        />
      </BarChart>
      <TableScroll>
        <table
          className="w-full min-w-[30rem] text-left text-sm"
          aria-label="Top users by spend"
          data-testid="top-users-table"
        >
          <thead className="text-xs text-slate-500 uppercase">
            <tr>
              <th className="py-2 pr-3">User</th>
              <th className="pr-3 text-right">Requests</th>
              <th className="pr-3 text-right">Charged</th>
              <th className="pr-3 text-right">Provider cost</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {users.map((u) => (
              <tr key={u.user_id} className={u.user_id === selected ? "bg-indigo-50" : undefined}>
                <td className="py-1.5 pr-3">
                  <DrillButton
                    label={userLabel(u)}
                    what={`user ${userLabel(u)}`}
                    pressed={u.user_id === selected}
                    onClick={() => onPick(u.user_id)}
                  />
                </td>
                <NumberCell value={u.requests} />
                <MoneyCell micros={u.charged_micros} />
                <MoneyCell micros={u.provider_cost_micros} />
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </div>
  );
}
