"use client";
import { Alert } from "@/components/ui/primitives";
import { useCredits } from "./credits-query";
import { formatUsd, usdToMicros } from "@/lib/money/units";
import { ZERO_BUDGET_MEANING } from "@/lib/users/schemas";
import { budgetState } from "@/lib/router/money";

/**
 * This month's spend against the monthly budget, with the two thresholds the router applies:
 * from 80% it routes at ECO, from 100% only free models and the user's own (BYOK) keys.
 * `budgetUsd` is the saved budget (null: none).
 */
export function BudgetProgress({ budgetUsd }: { budgetUsd: number | null }) {
  const credits = useCredits();
  if (credits.error) return <Alert>{credits.error.message}</Alert>;
  if (!credits.data) return <p className="text-sm text-slate-500">Loading this month&apos;s spend…</p>;

  const spend = usdToMicros(credits.data.month_spend_usd);
  if (budgetUsd === null) {
    return (
      <p className="text-sm text-slate-600" data-testid="budget-progress">
        Spent this month: <span className="font-medium text-slate-900 tabular-nums">{formatUsd(spend)}</span>. No budget
        is set, so the router never steps down for cost.
      </p>
    );
  }

  const budget = usdToMicros(budgetUsd);
  if (budget === 0) {
    return (
      <p className="text-sm text-slate-600" data-testid="budget-progress">
        Spent this month: <span className="font-medium text-slate-900 tabular-nums">{formatUsd(spend)}</span>.{" "}
        {ZERO_BUDGET_MEANING}
      </p>
    );
  }
  // The router's own thresholds, so the bar and the routing cannot disagree.
  const state = budgetState({ monthlyBudgetMicros: budget, monthSpendMicros: spend });
  const { exhausted } = state;
  const stepDown = exhausted || state.stepDown;
  const percent = state.percent ?? 100;
  const bar = exhausted ? "bg-red-500" : stepDown ? "bg-amber-500" : "bg-indigo-500";

  return (
    <div className="space-y-2" data-testid="budget-progress">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="text-slate-700">
          <span className="font-medium text-slate-900 tabular-nums">{formatUsd(spend)}</span> of {formatUsd(budget)}{" "}
          spent this month
        </span>
        <span className="text-slate-500 tabular-nums">{percent}%</span>
      </div>
      <div
        role="progressbar"
        aria-label="Monthly budget used"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.min(100, percent)}
        aria-valuetext={`${percent}% of the monthly budget`}
        className="relative h-2.5 overflow-hidden rounded-full bg-slate-100"
      >
        <div className={`h-full rounded-full ${bar}`} style={{ width: `${Math.min(100, percent)}%` }} />
        <div aria-hidden className="absolute inset-y-0 left-[80%] w-px bg-slate-400" />
      </div>
      <ul className="space-y-1 text-xs text-slate-600">
        <li className={stepDown && !exhausted ? "font-medium text-amber-800" : undefined}>
          From 80% ({formatUsd(Math.ceil((budget * 4) / 5))}): requests are routed at ECO, the cheapest level, whatever
          level they ask for.
        </li>
        <li className={exhausted ? "font-medium text-red-800" : undefined}>
          At 100%: only free models and models you reach with your own provider keys (BYOK) are used, until the month
          ends (UTC).
        </li>
      </ul>
    </div>
  );
}
