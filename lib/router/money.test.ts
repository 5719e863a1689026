import { describe, expect, it } from "vitest";
import { budgetState, chargedCostMicros, moneyExclusionReason } from "./money.ts";

describe("budgetState", () => {
  it("does nothing without a budget", () => {
    expect(budgetState(null)).toEqual({ stepDown: false, exhausted: false, percent: null });
  });

  it("steps down at 80% spent, not before", () => {
    expect(budgetState({ monthlyBudgetMicros: 10_000_000, monthSpendMicros: 7_999_999 }).stepDown).toBe(false);
    expect(budgetState({ monthlyBudgetMicros: 10_000_000, monthSpendMicros: 8_000_000 })).toEqual({ stepDown: true, exhausted: false, percent: 80 });
  });

  it("is exhausted at 100% spent and beyond", () => {
    expect(budgetState({ monthlyBudgetMicros: 10_000_000, monthSpendMicros: 9_999_999 }).exhausted).toBe(false);
    expect(budgetState({ monthlyBudgetMicros: 10_000_000, monthSpendMicros: 10_000_000 })).toEqual({ stepDown: true, exhausted: true, percent: 100 });
    expect(budgetState({ monthlyBudgetMicros: 10_000_000, monthSpendMicros: 12_500_000 }).percent).toBe(125);
  });

  it("treats a zero budget as exhausted", () => {
    expect(budgetState({ monthlyBudgetMicros: 0, monthSpendMicros: 0 })).toMatchObject({ stepDown: true, exhausted: true });
  });
});

describe("money", () => {
  const open = budgetState(null);
  const exhausted = budgetState({ monthlyBudgetMicros: 1, monthSpendMicros: 1 });

  it("BYOK costs the caller no credits", () => {
    expect(chargedCostMicros(12_345, true)).toBe(0);
    expect(chargedCostMicros(12_345, false)).toBe(12_345);
  });

  it("drops what the caller cannot afford", () => {
    expect(moneyExclusionReason(1_000, false, false, 1_000, open)).toBeNull();
    expect(moneyExclusionReason(1_001, false, false, 1_000, open)).toBe("estimated cost $0.001001 > available credits $0.001");
    expect(moneyExclusionReason(5, false, false, -20, open)).toBe("estimated cost $0.000005 > available credits $0");
  });

  it("always keeps free and BYOK candidates, even with no credits or budget left", () => {
    expect(moneyExclusionReason(0, true, false, 0, exhausted)).toBeNull();
    expect(moneyExclusionReason(0, false, true, -5, exhausted)).toBeNull();
  });

  it("keeps only free and BYOK candidates once the budget is spent", () => {
    expect(moneyExclusionReason(1, false, false, 10_000_000, exhausted)).toBe("monthly budget exhausted (only free or BYOK models)");
  });
});
