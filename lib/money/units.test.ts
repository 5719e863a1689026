import { describe, expect, it } from "vitest";
import {
  formatUsd,
  formatUsdAmount,
  formatUsdCents,
  formatUsdSigned,
  microsToUsd,
  toMicros,
  usdToMicros,
} from "./units";

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

  it("writes amounts exactly to the micro-dollar, at least cents, no trailing zeros past them", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(1)).toBe("$0.000001");
    expect(formatUsd(1_023)).toBe("$0.001023");
    expect(formatUsd(738)).toBe("$0.000738");
    expect(formatUsd(4_997_980)).toBe("$4.99798");
    expect(formatUsd(12_500_000)).toBe("$12.50");
    expect(formatUsd(10_000_000)).toBe("$10.00");
    expect(formatUsd(1_234_567_891_234)).toBe("$1,234,567.891234");
    expect(formatUsd(1_000_000_000_000n)).toBe("$1,000,000.00");
  });

  it("writes money owed with an ASCII minus, exact", () => {
    expect(formatUsd(-14_000_003)).toBe("-$14.000003");
    expect(formatUsd(-1)).toBe("-$0.000001");
    expect(formatUsd(-2_000_000)).toBe("-$2.00");
    expect(formatUsd(-1_234_567_891_234n)).toBe("-$1,234,567.891234");
  });

  it("rounds a fractional micro-dollar (a chart tick) to the nearest one, and refuses junk", () => {
    expect(formatUsd(2.5)).toBe("$0.000003");
    expect(formatUsd(-0.4)).toBe("$0.00");
    expect(formatUsd(Number.NaN)).toBe("—");
  });

  it("signs ledger movements", () => {
    expect(formatUsdSigned(10_000_000)).toBe("+$10.00");
    expect(formatUsdSigned(-813)).toBe("-$0.000813");
    expect(formatUsdSigned(4_997_980)).toBe("+$4.99798");
    expect(formatUsdSigned(0)).toBe("$0.00");
  });

  it("cuts a balance down to whole cents, never up, and shows a debt exact", () => {
    expect(formatUsdCents(4_997_980)).toBe("$4.99");
    expect(formatUsdCents(9_999_999)).toBe("$9.99");
    expect(formatUsdCents(1_023)).toBe("$0.00");
    expect(formatUsdCents(0)).toBe("$0.00");
    expect(formatUsdCents(1_234_567_891_234)).toBe("$1,234,567.89");
    expect(formatUsdCents(-14_000_003)).toBe("-$14.000003");
  });

  it("writes API dollars the same way, and a sub-micro estimate as more than nothing", () => {
    expect(formatUsdAmount(0.001023)).toBe("$0.001023");
    expect(formatUsdAmount(0.000738)).toBe("$0.000738");
    expect(formatUsdAmount(4.99798)).toBe("$4.99798");
    expect(formatUsdAmount(1234567.891234)).toBe("$1,234,567.891234");
    expect(formatUsdAmount(-14.000003)).toBe("-$14.000003");
    expect(formatUsdAmount(0)).toBe("$0.00");
    expect(formatUsdAmount(0.1 + 0.2)).toBe("$0.30");
    expect(formatUsdAmount(1.5e-7)).toBe("<$0.000001");
    expect(formatUsdAmount(Number.POSITIVE_INFINITY)).toBe("—");
  });
});
