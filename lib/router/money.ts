/**
 * Steps 3 and 4: what the caller can pay. Free models (both prices 0) and BYOK models (the
 * caller's own key: charged 0 platform credits) always stay. Budget thresholds are compared in
 * integers (spend * 5 >= budget * 4 is 80%).
 */
import type { ReasonCode } from "./reasons.ts";
import { describeReason, emptyDetails, REASON } from "./reasons.ts";
import type { CallerBudget } from "./types.ts";

export interface BudgetState {
  /** At least 80% of the monthly budget spent: route at ECO. */
  stepDown: boolean;
  /** At least 100% spent: only free and BYOK models. */
  exhausted: boolean;
  /** Whole percent spent, for reasons; null without a budget. */
  percent: number | null;
}

export function budgetState(budget: CallerBudget | null | undefined): BudgetState {
  if (!budget) return { stepDown: false, exhausted: false, percent: null };
  const { monthlyBudgetMicros: b, monthSpendMicros: s } = budget;
  if (b <= 0) return { stepDown: true, exhausted: true, percent: 100 };
  return {
    stepDown: s * 5 >= b * 4,
    exhausted: s >= b,
    percent: Math.floor((s * 100) / b),
  };
}

/** What the caller's credits pay: nothing with their own key. */
export function chargedCostMicros(listCostMicros: number, byok: boolean): number {
  return byok ? 0 : listCostMicros;
}

/** BUDGET_EXHAUSTED, CREDITS or OK. */
export function moneyCode(chargedMicros: number, free: boolean, byok: boolean, availableCreditsMicros: number, budget: BudgetState): ReasonCode {
  if (free || byok) return REASON.OK;
  if (budget.exhausted) return REASON.BUDGET_EXHAUSTED;
  if (chargedMicros > availableCreditsMicros) return REASON.CREDITS;
  return REASON.OK;
}

/** The money reason a candidate drops out as text, or null when the caller can use it. */
export function moneyExclusionReason(chargedMicros: number, free: boolean, byok: boolean, availableCreditsMicros: number, budget: BudgetState): string | null {
  const code = moneyCode(chargedMicros, free, byok, availableCreditsMicros, budget);
  if (code === REASON.OK) return null;
  const d = emptyDetails();
  d.costMicros = chargedMicros;
  d.availableMicros = availableCreditsMicros;
  return describeReason(code, d);
}
