import { formatUsd, formatUsdAmount } from "@/lib/money/units";
import type { UsageFields } from "@/lib/usage/chart-data";

const count = (n: number) => n.toLocaleString("en-US");

function Total({ label, value, detail }: { label: string; value: string; detail: string }) {
  return (
    <section aria-label={label} className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <h2 className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</h2>
      <p className="mt-1 text-xl font-semibold text-slate-900 tabular-nums">{value}</p>
      <p className="mt-1 text-xs text-slate-500">{detail}</p>
    </section>
  );
}

/** The range's totals, straight from the API (spend is the ledger's, to the micro-dollar). */
export function UsageTotals({ totals }: { totals: UsageFields }) {
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="usage-totals">
      <Total
        label="Requests"
        value={count(totals.requests)}
        detail={totals.errors ? `${count(totals.errors)} failed` : "none failed"}
      />
      <Total
        label="Tokens"
        value={count(totals.prompt_tokens + totals.completion_tokens)}
        detail={`${count(totals.prompt_tokens)} in / ${count(totals.completion_tokens)} out`}
      />
      <Total label="Spend" value={formatUsd(totals.spend_micros)} detail="charged to your credits" />
      <Total
        label="Saved vs PRECISION"
        value={formatUsdAmount(totals.savings_usd)}
        detail={`PRECISION for everything: ${formatUsdAmount(totals.precision_cost_usd)}`}
      />
    </div>
  );
}
