import type { ReactNode } from "react";
import { formatUsd, formatUsdSigned } from "@/lib/money/units";
import type { FinanceTotals } from "./finance-query";
import { count, formatPercent, utcMoment } from "./format";

function Figure({
  label,
  value,
  detail,
  testId,
}: {
  label: string;
  value: ReactNode;
  detail: ReactNode;
  testId?: string;
}) {
  return (
    <section
      aria-label={label}
      data-testid={testId}
      className="min-w-0 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
    >
      <h2 className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</h2>
      <p className="mt-1 text-xl font-semibold wrap-anywhere text-slate-900 tabular-nums">{value}</p>
      <p className="mt-1 text-xs text-slate-500">{detail}</p>
    </section>
  );
}

function Owed({ label, micros, detail }: { label: string; micros: number; detail: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="text-lg font-semibold wrap-anywhere text-slate-900 tabular-nums">{formatUsd(micros)}</dd>
      <dd className="text-xs text-slate-500">{detail}</dd>
    </div>
  );
}

/** The range's money in one look, each figure with what it means; all exact to the micro-dollar. */
export function FinanceFigures({ totals }: { totals: FinanceTotals }) {
  const { liability } = totals;
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="finance-figures">
      <Figure label="Revenue" value={formatUsd(totals.revenue_micros)} detail="Credit purchases paid through Stripe." />
      <Figure label="Refunds" value={formatUsd(totals.refunds_micros)} detail="Money paid back through Stripe." />
      <Figure
        label="Credits granted"
        value={formatUsd(totals.grants_micros)}
        detail={
          <>
            Free credits given by admins (no money came in). Corrections:{" "}
            <span className="tabular-nums">{formatUsdSigned(totals.corrections_micros)}</span>.
          </>
        }
      />
      <Figure
        label="Usage charged"
        value={formatUsd(totals.charged_micros)}
        detail={`What requests cost users' credits: ${count(totals.requests)} requests${totals.errors ? `, ${count(totals.errors)} failed` : ""}.`}
      />
      <Figure
        label="Provider cost"
        value={formatUsd(totals.provider_cost_micros)}
        detail="What the platform owes providers: upstream tokens × the provider's price; zero for BYOK and local models."
      />
      <Figure
        label="Gross margin"
        testId="gross-margin"
        value={
          <>
            {formatUsd(totals.gross_margin_micros)}{" "}
            <span className="text-base font-medium text-slate-600">({formatPercent(totals.gross_margin_percent)})</span>
          </>
        }
        detail={
          totals.gross_margin_percent === null
            ? "Usage charged − provider cost; no percentage without usage charged."
            : "Usage charged − provider cost, and its share of usage charged."
        }
      />
      <Figure
        label="BYOK fees"
        value={formatUsd(totals.byok_fees_micros)}
        detail={`Charged on ${count(totals.byok_requests)} requests served with users' own provider keys (the provider bills them, not us).`}
      />
      <Figure
        label="Shortfalls"
        value={formatUsd(totals.shortfall_micros)}
        detail="Charges a user's credits could not cover when the request settled: now owed by them."
      />
      <Figure
        label="Savings vs PRECISION"
        value={formatUsd(totals.savings_micros)}
        detail={`What routing saved users: every request at PRECISION would have cost ${formatUsd(totals.precision_cost_micros)}.`}
      />
      <section
        aria-label="Outstanding credit liability"
        className="min-w-0 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:col-span-2 lg:col-span-3"
      >
        <h2 className="text-xs font-medium tracking-wide text-slate-500 uppercase">Outstanding credit liability</h2>
        <p className="mt-1 text-xs text-slate-500">
          At the end of the range, <time dateTime={liability.at}>{utcMoment(liability.at)}</time>: credits users still
          hold are service the platform owes them.
        </p>
        <dl className="mt-3 grid grid-cols-1 gap-3 sm:grid-cols-3">
          <Owed
            label="Unspent balances"
            micros={liability.unspent_micros}
            detail="Credits bought or granted and not yet spent."
          />
          <Owed
            label="Owed by users"
            micros={liability.owed_micros}
            detail="Negative balances: requests that cost more than the credits left."
          />
          <Owed
            label="Holds in flight"
            micros={liability.holds_in_flight_micros}
            detail="Reserved for requests still running; settled or released soon."
          />
        </dl>
      </section>
    </div>
  );
}
