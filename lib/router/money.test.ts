import { describe, expect, it } from "vitest";
import { budgetState, byokFeeMicros, chargedCostMicros, moneyExclusionReason } from "./money.ts";

describe("budgetState", () => {
  it("does nothing without a budget", () => {
    expect(budgetState(null)).toEqual({ stepDown: false, exhausted: false, percent: null });
  });

  it("steps down at 80% spent, not before", () => {
    expect(budgetState({ monthlyBudgetMicros: 10_000_000, monthSpendMicros: 7_999_999 }).stepDown).toBe(false);
    expect(budgetState({ monthlyBudgetMicros: 10_000_000, monthSpendMicros: 8_000_000 })).toEqual({
      stepDown: true,
      exhausted: false,
      percent: 80,
    });
  });

  it("is exhausted at 100% spent and beyond", () => {
    expect(budgetState({ monthlyBudgetMicros: 10_000_000, monthSpendMicros: 9_999_999 }).exhausted).toBe(false);
    expect(budgetState({ monthlyBudgetMicros: 10_000_000, monthSpendMicros: 10_000_000 })).toEqual({
      stepDown: true,
      exhausted: true,
      percent: 100,
    });
    expect(budgetState({ monthlyBudgetMicros: 10_000_000, monthSpendMicros: 12_500_000 }).percent).toBe(125);
  });

  it("treats a zero budget as exhausted", () => {
    expect(budgetState({ monthlyBudgetMicros: 0, monthSpendMicros: 0 })).toMatchObject({
      stepDown: true,
      exhausted: true,
    });
  });
});

describe("money", () => {
  const open = budgetState(null);
  const exhausted = budgetState({ monthlyBudgetMicros: 1, monthSpendMicros: 1 });

  it("BYOK costs the caller no credits", () => {
    expect(chargedCostMicros(12_345, true)).toBe(0);
    expect(chargedCostMicros(12_345, false)).toBe(12_345);
  });

  it("with a BYOK fee, BYOK costs the fee: basis points of list cost, rounded half up to the micro-dollar", () => {
    expect(chargedCostMicros(12_345, true, 500)).toBe(617); // 617.25
    expect(byokFeeMicros(10, 500)).toBe(1); // 0.5 rounds up
    expect(byokFeeMicros(9, 500)).toBe(0); // 0.45 rounds down
    expect(byokFeeMicros(1_000_000, 1)).toBe(100);
    expect(byokFeeMicros(1_000_000, 0)).toBe(0);
    expect(byokFeeMicros(0, 10_000)).toBe(0);
    // The fee must be affordable; no budget stops a BYOK request.
    expect(moneyExclusionReason(617, false, true, 616, exhausted)).toBe(
      "estimated cost $0.000617 > available credits $0.000616",
    );
    expect(moneyExclusionReason(617, false, true, 617, exhausted)).toBeNull();
  });

  it("drops what the caller cannot afford", () => {
    expect(moneyExclusionReason(1_000, false, false, 1_000, open)).toBeNull();
    expect(moneyExclusionReason(1_001, false, false, 1_000, open)).toBe(
      "estimated cost $0.001001 > available credits $0.001",
    );
    expect(moneyExclusionReason(5, false, false, -20, open)).toBe("estimated cost $0.000005 > available credits $0");
  });

  it("always keeps free and BYOK candidates, even with no credits or budget left", () => {
    expect(moneyExclusionReason(0, true, false, 0, exhausted)).toBeNull();
    expect(moneyExclusionReason(0, false, true, -5, exhausted)).toBeNull();
  });

  it("keeps only free and BYOK candidates once the budget is spent", () => {
    expect(moneyExclusionReason(1, false, false, 10_000_000, exhausted)).toBe(
      "monthly budget exhausted (only free or BYOK models)",
    );
  });
});
