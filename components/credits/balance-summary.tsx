"use client";
import { Alert } from "@/components/ui/primitives";
import { useCredits } from "./credits-query";
import { formatUsd, formatUsdAmount, usdToMicros } from "@/lib/money/units";

function Stat({
  label,
  value,
  hint,
  testId,
  emphasis,
}: {
  label: string;
  value: string;
  hint: string;
  testId?: string;
  emphasis?: boolean;
}) {
  return (
    <section
      aria-label={label}
      data-testid={testId}
      className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
    >
      <h2 className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</h2>
      <p
        className={`mt-1 tabular-nums ${emphasis ? "text-2xl font-semibold text-slate-900" : "text-xl font-medium text-slate-800"}`}
      >
        {value}
      </p>
      <p className="mt-1 text-xs text-slate-500">{hint}</p>
    </section>
  );
}

/** Balance, the part held for requests in flight, and what is left to spend. */
export function BalanceSummary() {
  const credits = useCredits();
  if (credits.error) return <Alert>{credits.error.message}</Alert>;
  const c = credits.data;
  const show = (usd: number | undefined) => (usd === undefined ? "…" : formatUsdAmount(usd));
  const owed = c && c.balance_usd < 0 ? formatUsd(-usdToMicros(c.balance_usd)) : null;
  const balanceHint = owed
    ? `Your account owes ${owed}: a request cost more than was held. Paid models are paused until a purchase or grant pays it off; free models and your own keys still work.`
    : "Purchases and grants, less everything charged.";
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      <Stat label="Balance" testId="balance" value={show(c?.balance_usd)} hint={balanceHint} emphasis />
      <Stat
        label="Held"
        value={show(c?.reserved_usd)}
        hint="Reserved for requests still running; released when they finish."
      />
      <Stat label="Available" value={show(c?.available_usd)} hint="What new requests can spend now." />
    </div>
  );
}
