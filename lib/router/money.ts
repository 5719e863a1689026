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

/**
 * The platform's fee on a request served with the caller's own key: `basisPoints` (1/100 of a
 * percent) of the provider's list cost, rounded half up to a whole micro-dollar (0.5 µ$ → 1 µ$,
 * 0.49… µ$ → 0), in integers (BigInt: no cost is too large to be exact). A cost or fee of 0 or
 * less (or not a number) gives 0. The hold prices the fee on the estimate's bound and the fee
 * grows with the cost, so the settled fee never exceeds the hold.
 *
 *   byokFeeMicros(1_000_000, 500) === 50_000   // 5 % of $1
 *   byokFeeMicros(10, 500) === 1               // 0.5 µ$ rounds up
 */
export function byokFeeMicros(listCostMicros: number, basisPoints: number): number {
  if (!Number.isFinite(listCostMicros) || !Number.isFinite(basisPoints)) return 0;
  const cost = Math.round(listCostMicros);
  const bp = Math.round(basisPoints);
  if (cost <= 0 || bp <= 0) return 0;
  return Number((BigInt(cost) * BigInt(bp) + 5_000n) / 10_000n);
}

/** What the caller's credits pay: with their own key, only the platform's BYOK fee (default none). */
export function chargedCostMicros(listCostMicros: number, byok: boolean, byokFeeBasisPoints = 0): number {
  return byok ? byokFeeMicros(listCostMicros, byokFeeBasisPoints) : listCostMicros;
}

/** BUDGET_EXHAUSTED, CREDITS or OK. A BYOK candidate only needs its fee covered; no budget stops it. */
export function moneyCode(
  chargedMicros: number,
  free: boolean,
  byok: boolean,
  availableCreditsMicros: number,
  budget: BudgetState,
): ReasonCode {
  if (free) return REASON.OK;
  if (byok) return chargedMicros > 0 && chargedMicros > availableCreditsMicros ? REASON.CREDITS : REASON.OK;
  if (budget.exhausted) return REASON.BUDGET_EXHAUSTED;
  if (chargedMicros > availableCreditsMicros) return REASON.CREDITS;
  return REASON.OK;
}

/** The money reason a candidate drops out as text, or null when the caller can use it. */
export function moneyExclusionReason(
  chargedMicros: number,
  free: boolean,
  byok: boolean,
  availableCreditsMicros: number,
  budget: BudgetState,
): string | null {
  const code = moneyCode(chargedMicros, free, byok, availableCreditsMicros, budget);
  if (code === REASON.OK) return null;
  const d = emptyDetails();
  d.costMicros = chargedMicros;
  d.availableMicros = availableCreditsMicros;
  return describeReason(code, d);
}
