import { describe, expect, it } from "vitest";
import { formatUsd, microsToUsd, toMicros, usdToMicros } from "./units";

describe("money units", () => {
  it("converts catalog prices without float drift", () => {
    expect(usdToMicros(0.15)).toBe(150_000);
    expect(usdToMicros(0.1 + 0.2)).toBe(300_000);
    expect(usdToMicros(2.19)).toBe(2_190_000);
    expect(usdToMicros("19.99")).toBe(19_990_000);
    expect(usdToMicros(-5)).toBe(-5_000_000);
    expect(usdToMicros("0.000001")).toBe(1);
  });

  it("refuses sub-micro amounts and junk instead of rounding silently", () => {
    expect(() => usdToMicros("0.0000001")).toThrow(/6 decimals/);
    expect(() => usdToMicros("1e3")).toThrow(/not a USD amount/);
    expect(() => usdToMicros("abc")).toThrow();
  });

  it("round-trips to dollars for JSON", () => {
    expect(microsToUsd(1_234_567)).toBe(1.234567);
    expect(microsToUsd(10n)).toBe(0.00001);
  });

  it("refuses BigInt values beyond the safe integer range", () => {
    expect(toMicros(9_007_199_254_740_991n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toMicros(9_007_199_254_740_993n)).toThrow(/safe range/);
  });

  it("formats small amounts with enough digits to be non-zero", () => {
    expect(formatUsd(12_500_000)).toBe("$12.50");
    expect(formatUsd(1_234)).toBe("$0.001234");
    expect(formatUsd(-2_000_000)).toBe("-$2.00");
    expect(formatUsd(0)).toBe("$0.00");
  });
});
