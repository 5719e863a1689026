"use client";
import { useSearchParams } from "next/navigation";
import { useEffect, useMemo, type ReactNode } from "react";
import { Alert, Card } from "@/components/ui/primitives";
import {
  dayInRange,
  drillFromQuery,
  financeQuery,
  rangeFromQuery,
  type DayRange,
  type Drill,
  type DrillKey,
} from "@/lib/usage/finance-range";
import { BreakdownPanel } from "./breakdown";
import { ByDayChart } from "./by-day-chart";
import { CostByTokenClass } from "./cost-by-token-class";
import { DrillDown } from "./drill-down";
import { ExportLinks } from "./export-links";
import { FinanceFigures } from "./finance-figures";
import { useFinanceSummary, type FinanceSummary } from "./finance-query";
import { FinanceRangePicker } from "./finance-range-picker";
import { count, longDay, utcMoment } from "./format";
import { ReconciliationPanel } from "./reconciliation-panel";
import { Savings } from "./savings";
import { TopUsers, userLabel } from "./top-users";
import { MoneyCell, TableScroll } from "./table-parts";

/** Moves the page to a range and drill-down: both live in the URL, so a reload or a shared link keeps them. */
function go(range: DayRange, drill: Drill, how: "push" | "replace") {
  const keep = drill.day && !dayInRange(drill.day, range) ? { ...drill, day: undefined } : drill;
  window.history[how === "push" ? "pushState" : "replaceState"](null, "", `/finance?${financeQuery(range, keep)}`);
}

/**
 * /finance: a UTC date range (in the URL), the money of the range in figures and charts, the
 * requests behind any bar or row, CSV exports and the reconciliation of the books.
 */
export function FinanceDashboard({ canRepair }: { canRepair: boolean }) {
  const params = useSearchParams();
  const from = params.get("from");
  const to = params.get("to");
  const { range, problem } = useMemo(() => rangeFromQuery(from, to), [from, to]);
  const drill = useMemo(() => drillFromQuery(params, range), [params, range]);
  const drilled = Object.keys(drill).length > 0;

  // A visit without a range gets this month's days written into the URL, so a reload keeps them.
  useEffect(() => {
    if (!from && !to) go(range, drill, "replace");
  }, [from, to, range, drill]);

  const summary = useFinanceSummary(range);
  // A day picked on the daily chart: the breakdowns show that day, so a provider can be picked within it.
  const daySummary = useFinanceSummary(
    { from: drill.day ?? range.from, to: drill.day ?? range.to },
    { enabled: !!drill.day },
  );
  const breakdown = drill.day
    ? daySummary.data?.from.startsWith(drill.day)
      ? daySummary.data
      : undefined
    : summary.data;

  const pick = (key: DrillKey, value: string) =>
    go(range, { ...drill, [key]: drill[key] === value ? undefined : value }, "push");
  const remove = (key: DrillKey) => go(range, { ...drill, [key]: undefined }, "push");
  const userName = (id: string) => {
    const u = (breakdown ?? summary.data)?.top_users.find((t) => t.user_id === id);
    return u ? userLabel(u) : id;
  };

  const data = summary.data;
  const totals = data?.totals;
  const moved = data ? data.by_day.some((d) => d.revenue_micros || d.refunds_micros || d.requests) : false;

  return (
    <div className="space-y-6">
      <FinanceRangePicker range={range} onChange={(next, how) => go(next, drill, how)} />
      {problem && <Alert kind="info">{problem}</Alert>}
      {summary.error && <Alert>{summary.error.message}</Alert>}

      {drilled && (
        <DrillDown
          range={range}
          drill={drill}
          userName={userName}
          onRemove={remove}
          onClear={() => go(range, {}, "push")}
        />
      )}

      {!data || !totals ? (
        !summary.error && <p className="text-sm text-slate-500">Loading finance figures…</p>
      ) : (
        <div
          className={`space-y-6 transition-opacity ${summary.isPlaceholderData ? "opacity-60" : ""}`}
          aria-busy={summary.isFetching}
        >
          <FinanceFigures totals={totals} />

          <Card title="Revenue, provider cost and margin by day">
            {moved ? (
              <div className="space-y-3">
                <p className="text-xs text-slate-500">
                  Revenue above the line, provider cost below it; the line is the day&apos;s margin (usage charged −
                  provider cost). Click a day to see its requests.
                </p>
                <ByDayChart days={data.by_day} selected={drill.day} onPick={(day) => pick("day", day)} />
                <DayTable data={data} />
              </div>
            ) : (
              <p className="py-6 text-center text-sm text-slate-500">
                No money moved in this range: no purchases, refunds or requests.
              </p>
            )}
          </Card>

          <Breakdowns
            summary={breakdown}
            loading={!!drill.day && !breakdown}
            day={drill.day}
            drill={drill}
            pick={pick}
            error={drill.day ? daySummary.error : null}
          />

          <ExportLinks range={range} />
          <ReconciliationPanel range={range} canRepair={canRepair} />
        </div>
      )}
    </div>
  );
}

/** The days of the range that had any money or requests, exactly. */
function DayTable({ data }: { data: FinanceSummary }) {
  const days = data.by_day.filter((d) => d.revenue_micros || d.refunds_micros || d.requests);
  return (
    <details className="text-sm">
      <summary className="cursor-pointer font-medium text-indigo-700">
        Exact figures for the {count(days.length)} {days.length === 1 ? "day" : "days"} with activity
      </summary>
      <TableScroll>
        <table className="mt-2 w-full min-w-[40rem] text-left text-sm" aria-label="By day">
          <thead className="text-xs text-slate-500 uppercase">
            <tr>
              <th className="py-2 pr-3">Day (UTC)</th>
              <th className="pr-3 text-right">Revenue</th>
              <th className="pr-3 text-right">Refunds</th>
              <th className="pr-3 text-right">Charged</th>
              <th className="pr-3 text-right">Provider cost</th>
              <th className="pr-3 text-right">Margin</th>
              <th className="text-right">Requests</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {days.map((d) => (
              <tr key={d.day}>
                <td className="py-1.5 pr-3 whitespace-nowrap">{d.day}</td>
                <MoneyCell micros={d.revenue_micros} />
                <MoneyCell micros={d.refunds_micros} />
                <MoneyCell micros={d.charged_micros} />
                <MoneyCell micros={d.provider_cost_micros} />
                <MoneyCell micros={d.margin_micros} />
                <td className="text-right whitespace-nowrap tabular-nums">{count(d.requests)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </details>
  );
}

function Breakdowns({
  summary,
  loading,
  day,
  drill,
  pick,
  error,
}: {
  summary: FinanceSummary | undefined;
  loading: boolean;
  day: string | undefined;
  drill: Drill;
  pick: (key: DrillKey, value: string) => void;
  error: Error | null;
}) {
  const scope = day ? `on ${longDay(day)} (UTC), the day picked above` : "in this range";
  let body: ReactNode;
  if (error) body = <Alert>{error.message}</Alert>;
  else if (loading || !summary) body = <p className="text-sm text-slate-500">Loading the breakdowns…</p>;
  else if (summary.totals.requests === 0) {
    body = (
      <Card>
        <div className="py-8 text-center" data-testid="finance-empty">
          <p className="text-sm font-medium text-slate-800">
            {day ? "No requests on this day." : "No requests in this range."}
          </p>
          <p className="mt-1 text-sm text-slate-500">
            Providers, models, power levels and users appear here once the gateway has served requests{" "}
            {day ? "on this day" : "in the range"}.
          </p>
        </div>
      </Card>
    );
  } else {
    const t = summary.totals;
    body = (
      <>
        {/* Side by side only on wide screens: their tables have seven columns. */}
        <div className="grid grid-cols-1 gap-6 2xl:grid-cols-2">
          <Card title="By provider">
            <BreakdownPanel
              rows={summary.by_provider}
              dimension="provider"
              selected={drill.provider}
              onPick={(k) => pick("provider", k)}
            />
          </Card>
          <Card title="By power level">
            <BreakdownPanel
              rows={summary.by_power_level}
              dimension="power_level"
              selected={drill.power_level}
              onPick={(k) => pick("power_level", k)}
            />
          </Card>
        </div>
        <Card title="By model">
          <BreakdownPanel
            rows={summary.by_model}
            dimension="model"
            selected={drill.model}
            onPick={(k) => pick("model", k)}
          />
        </Card>
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          <Card title="Top users by spend">
            <TopUsers users={summary.top_users} selected={drill.user_id} onPick={(id) => pick("user_id", id)} />
          </Card>
          <Card title="Provider cost by token class">
            <CostByTokenClass byClass={t.provider_cost_by_class} total={t.provider_cost_micros} />
          </Card>
        </div>
        <Card title="Savings vs PRECISION">
          <Savings levels={summary.by_power_level} totals={t} />
        </Card>
      </>
    );
  }
  return (
    <section aria-labelledby="breakdowns-heading" className="space-y-4" data-testid="finance-breakdowns">
      <div>
        <h2 id="breakdowns-heading" className="text-base font-semibold text-slate-900">
          Where the money went {scope}
        </h2>
        {summary && !loading && (
          <p className="text-xs text-slate-500">
            Summed from {utcMoment(summary.from)} to {utcMoment(summary.to)} (end excluded). Click a bar or a name to
            see its requests.
          </p>
        )}
      </div>
      {body}
    </section>
  );
}
