"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { Alert, Card } from "@/components/ui/primitives";
import { fillDays, presetRange } from "@/lib/usage/chart-data";
import { RangePicker, type RangeChoice } from "./range-picker";
import { RequestsByProviderChart } from "./requests-by-provider-chart";
import { SpendByDayChart } from "./spend-by-day-chart";
import { SpendByLevelChart } from "./spend-by-level-chart";
import { TopModelsChart } from "./top-models-chart";
import { useUsage } from "./usage-query";
import { UsageTotals } from "./usage-totals";

/** /usage: a date range, its totals, and four charts, each from one `group_by` of GET /api/usage. */
export function UsageDashboard() {
  const [choice, setChoice] = useState<RangeChoice>(() => ({ preset: 30, range: presetRange(30) }));
  const byDay = useUsage(choice.range, "day");
  const byProvider = useUsage(choice.range, "provider");
  const byLevel = useUsage(choice.range, "power_level");
  const byModel = useUsage(choice.range, "model");
  const days = useMemo(
    () => (byDay.data ? fillDays(byDay.data.series, byDay.data.from, byDay.data.to) : []),
    [byDay.data],
  );

  const error = byDay.error ?? byProvider.error ?? byLevel.error ?? byModel.error;
  const totals = byDay.data?.totals;

  return (
    <div className="space-y-6">
      <RangePicker value={choice} onChange={setChoice} />
      {error && <Alert>{error.message}</Alert>}
      {!totals ? (
        !error && <p className="text-sm text-slate-500">Loading usage…</p>
      ) : (
        <div
          className={`space-y-6 transition-opacity ${byDay.isPlaceholderData ? "opacity-60" : ""}`}
          aria-busy={byDay.isFetching}
        >
          <UsageTotals totals={totals} />
          {totals.requests === 0 ? (
            <Card>
              <div className="py-8 text-center" data-testid="usage-empty">
                <p className="text-sm font-medium text-slate-800">No requests in this range.</p>
                <p className="mt-1 text-sm text-slate-500">
                  Send a message in the{" "}
                  <Link href="/chat" className="text-indigo-700 underline">
                    chat
                  </Link>{" "}
                  or call the gateway with an{" "}
                  <Link href="/keys" className="text-indigo-700 underline">
                    API key
                  </Link>
                  ; usage shows up here right away.
                </p>
              </div>
            </Card>
          ) : (
            <>
              <Card title="Spend per day">
                <SpendByDayChart days={days} />
              </Card>
              <div className="grid gap-6 lg:grid-cols-2">
                <Card title="Requests by provider">
                  {byProvider.data && <RequestsByProviderChart providers={byProvider.data.series} />}
                </Card>
                <Card title="Spend by power level">
                  {byLevel.data && <SpendByLevelChart levels={byLevel.data.series} />}
                </Card>
              </div>
              <Card title="Top models by spend">{byModel.data && <TopModelsChart models={byModel.data.series} />}</Card>
            </>
          )}
        </div>
      )}
    </div>
  );
}
