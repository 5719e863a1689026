import { describe, expect, it } from "vitest";
import { basisPointsToPercent, byokFeeMicros, percentToBasisPoints } from "./fee.ts";
import { byokFeePercentSchema } from "./schemas.ts";

describe("byokFeeMicros", () => {
  it("is cost × basis points / 10000, rounded half up to a whole micro-dollar", () => {
    expect(byokFeeMicros(1_000_000, 500)).toBe(50_000); // 5 % of $1
    expect(byokFeeMicros(10, 500)).toBe(1); // 0.5 µ$ → 1
    expect(byokFeeMicros(9, 500)).toBe(0); // 0.45 µ$ → 0
    expect(byokFeeMicros(29, 500)).toBe(1); // 1.45 µ$ → 1
    expect(byokFeeMicros(30, 500)).toBe(2); // 1.5 µ$ → 2
    expect(byokFeeMicros(3, 1)).toBe(0); // 0.0003 µ$
    expect(byokFeeMicros(5_000, 1)).toBe(1); // 0.5 µ$ at 0.01 %
    expect(byokFeeMicros(123_457, 10_000)).toBe(123_457); // 100 %
  });

  it("is exact where cost × basis points passes 2^53 (floating point would round this one up)", () => {
    // 9,007,199,255,003 × 3,333 / 10,000 = 3,002,099,511,692.4999: Math.round(cost * bp / 10000) says …693.
    expect(byokFeeMicros(9_007_199_255_003, 3_333)).toBe(3_002_099_511_692);
  });

  it("is 0 without a cost or a fee", () => {
    expect(byokFeeMicros(0, 500)).toBe(0);
    expect(byokFeeMicros(1_000, 0)).toBe(0);
    expect(byokFeeMicros(-1_000, 500)).toBe(0);
    expect(byokFeeMicros(Number.NaN, 500)).toBe(0);
  });
});

describe("the fee in percent", () => {
  it("converts to and from basis points without float drift", () => {
    expect(percentToBasisPoints(5)).toBe(500);
    expect(percentToBasisPoints(0.29)).toBe(29);
    expect(percentToBasisPoints(12.34)).toBe(1234);
    expect(basisPointsToPercent(1234)).toBe(12.34);
  });

  it("allows 0..100 with at most 2 decimals", () => {
    for (const ok of [0, 0.01, 5, 12.34, 99.99, 100])
      expect(byokFeePercentSchema.safeParse(ok).success, String(ok)).toBe(true);
    for (const bad of [-0.01, 100.01, 1.234, 0.001])
      expect(byokFeePercentSchema.safeParse(bad).success, String(bad)).toBe(false);
  });
});
