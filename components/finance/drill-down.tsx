"use client";
import { useEffect, useRef, useState } from "react";
import { Alert, Badge, Button } from "@/components/ui/primitives";
import { formatUsd } from "@/lib/money/units";
import { DRILL_KEYS, type DayRange, type Drill, type DrillKey } from "@/lib/usage/finance-range";
import { useFinanceRequests } from "./finance-query";
import { breakdownLabel, count, longDay, utcMoment } from "./format";
import { TableScroll } from "./table-parts";

/** The model that served, as the catalog names it ("simulated/sim-eco"); the provider too when the name lacks it. */
function servedBy(r: { provider: string | null; model: string | null }): string {
  if (!r.model) return r.provider ? `${r.provider} (no model)` : "not served";
  return !r.provider || r.model.startsWith(`${r.provider}/`) ? r.model : `${r.provider} / ${r.model}`;
}

const FILTER_LABEL: Record<DrillKey, string> = {
  day: "Day",
  provider: "Provider",
  model: "Model",
  power_level: "Power level",
  user_id: "User",
};

function filterValue(key: DrillKey, value: string, userName: (id: string) => string): string {
  if (key === "day") return `${longDay(value)} (UTC)`;
  if (key === "user_id") return userName(value);
  return breakdownLabel(value, key);
}

/**
 * The usage rows behind what was clicked, newest first, a page at a time (the server pages with
 * next_cursor). Every filter is shown and can be removed on its own; "Back to the overview"
 * removes them all.
 */
export function DrillDown({
  range,
  drill,
  userName,
  onRemove,
  onClear,
}: {
  range: DayRange;
  drill: Drill;
  userName: (id: string) => string;
  onRemove: (key: DrillKey) => void;
  onClear: () => void;
}) {
  // Cursors of the pages after the first; other filters start again at page one.
  const filterKey = JSON.stringify([range, drill]);
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key: filterKey, cursors: [] });
  const cursors = paging.key === filterKey ? paging.cursors : [];
  const requests = useFinanceRequests(range, drill, cursors.at(-1));
  const rows = requests.data?.data ?? [];

  // Each new drill-down moves focus (and the view) to its heading, so what opened is announced.
  const heading = useRef<HTMLHeadingElement>(null);
  const seen = useRef<string | null>(null);
  useEffect(() => {
    const drillKey = JSON.stringify(drill);
    if (seen.current !== null && seen.current !== drillKey) {
      heading.current?.focus({ preventScroll: true });
      heading.current?.scrollIntoView({ block: "start", behavior: "smooth" });
    }
    seen.current = drillKey;
  }, [drill]);

  const filters = DRILL_KEYS.filter((k) => drill[k]).map((k) => ({
    key: k,
    label: FILTER_LABEL[k],
    value: filterValue(k, drill[k]!, userName),
  }));
  const name = rows[0] && drill.user_id && rows[0].user_id === drill.user_id ? rows[0].email : null;

  return (
    <section
      aria-labelledby="drill-heading"
      data-testid="drill-down"
      className="scroll-mt-4 rounded-lg bg-white shadow-sm ring-2 ring-indigo-200"
    >
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <h2
          id="drill-heading"
          ref={heading}
          tabIndex={-1}
          className="text-sm font-semibold text-slate-800 focus:outline-none"
        >
          Requests behind the selection
        </h2>
        <Button variant="secondary" onClick={onClear}>
          ← Back to the overview
        </Button>
      </header>
      <div className="space-y-3 p-4">
        <ul aria-label="Filters" className="flex flex-wrap gap-2">
          {filters.map((f) => {
            const value = f.key === "user_id" && name ? name : f.value;
            return (
              <li
                key={f.key}
                data-testid="drill-filter"
                className="inline-flex max-w-full min-w-0 items-center gap-1 rounded-full bg-indigo-50 py-0.5 pr-1 pl-3 text-sm text-indigo-900 ring-1 ring-indigo-200"
              >
                <span className="min-w-0 truncate" title={`${f.label}: ${value}`}>
                  <span className="font-medium">{f.label}:</span> {value}
                </span>
                <button
                  type="button"
                  onClick={() => onRemove(f.key)}
                  aria-label={`Remove filter ${f.label}: ${value}`}
                  className="shrink-0 rounded-full px-1.5 text-indigo-700 hover:bg-indigo-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
        <p className="text-xs text-slate-500">
          Within {range.from} to {range.to} (UTC). Click another bar or row to narrow further.
        </p>

        {requests.isPending ? (
          <p className="text-sm text-slate-500">Loading requests…</p>
        ) : requests.error && !requests.data ? (
          <Alert>{requests.error.message}</Alert>
        ) : rows.length === 0 ? (
          <p className="text-sm text-slate-500">No requests match these filters in this range.</p>
        ) : (
          <TableScroll>
            <table
              className="w-full min-w-[56rem] text-left text-sm"
              aria-label="Requests"
              aria-busy={requests.isFetching}
            >
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th className="py-2 pr-3">When (UTC)</th>
                  <th className="pr-3">User</th>
                  <th className="pr-3">Model</th>
                  <th className="pr-3">Level</th>
                  <th className="pr-3">Status</th>
                  <th className="pr-3 text-right">Tokens in / out</th>
                  <th className="pr-3 text-right">Cache read / write</th>
                  <th className="pr-3 text-right">Charged</th>
                  <th className="text-right">Provider cost</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((r) => (
                  <tr key={r.id} data-testid="finance-request-row" title={`Request ${r.id}`}>
                    <td className="py-1.5 pr-3 whitespace-nowrap text-slate-600">
                      <time dateTime={r.created_at}>{utcMoment(r.created_at).replace(/ UTC$/, "")}</time>
                    </td>
                    <td className="pr-3">
                      <span className="block max-w-[14rem] truncate" title={r.email ?? r.user_id}>
                        {r.email ?? r.user_id}
                      </span>
                    </td>
                    <td className="pr-3" data-testid="request-provider-model">
                      <span className="block max-w-[18rem] truncate" title={servedBy(r)}>
                        {servedBy(r)}
                      </span>
                    </td>
                    <td className="pr-3">{r.power_level ?? "—"}</td>
                    <td className="pr-3 whitespace-nowrap">
                      <Badge tone={r.status === "success" ? "green" : r.status === "cancelled" ? "amber" : "red"}>
                        {r.status}
                      </Badge>
                      {r.byok && (
                        <span className="ml-1">
                          <Badge tone="indigo">BYOK</Badge>
                        </span>
                      )}
                    </td>
                    <td className="pr-3 text-right whitespace-nowrap tabular-nums">
                      {count(r.prompt_tokens)} / {count(r.completion_tokens)}
                      {r.reasoning_tokens > 0 && (
                        <span className="block text-xs text-slate-500">{count(r.reasoning_tokens)} reasoning</span>
                      )}
                    </td>
                    <td className="pr-3 text-right whitespace-nowrap tabular-nums">
                      {count(r.cache_read_tokens)} / {count(r.cache_write_tokens)}
                    </td>
                    <td className="pr-3 text-right whitespace-nowrap tabular-nums" data-testid="request-charged">
                      {formatUsd(r.charged_micros)}
                    </td>
                    <td className="text-right whitespace-nowrap tabular-nums">{formatUsd(r.provider_cost_micros)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        {requests.error && requests.data && <Alert>{requests.error.message}</Alert>}

        {(cursors.length > 0 || requests.data?.next_cursor) && (
          <nav aria-label="Pages of requests" className="flex flex-wrap items-center justify-between gap-3 text-sm">
            <span className="text-slate-500">Page {cursors.length + 1}</span>
            <span className="flex gap-2">
              <Button
                variant="secondary"
                disabled={cursors.length === 0}
                onClick={() => setPaging({ key: filterKey, cursors: cursors.slice(0, -1) })}
              >
                Previous page
              </Button>
              <Button
                variant="secondary"
                disabled={!requests.data?.next_cursor || requests.isPlaceholderData}
                onClick={() =>
                  requests.data?.next_cursor &&
                  setPaging({ key: filterKey, cursors: [...cursors, requests.data.next_cursor] })
                }
              >
                Next page
              </Button>
            </span>
          </nav>
        )}
      </div>
    </section>
  );
}
