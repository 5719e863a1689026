import { describe, expect, it } from "vitest";
import { computeCostMicros, formatMicros, isFreeModel } from "./cost.ts";

describe("computeCostMicros", () => {
  it("charges prompt and completion tokens at their own per-1M prices", () => {
    // GPT-4o Mini: $0.15 / $0.60 per 1M → 150_000 / 600_000 micro-USD per 1M.
    expect(computeCostMicros(1_000_000, 0, 150_000, 600_000)).toBe(150_000);
    expect(computeCostMicros(0, 1_000_000, 150_000, 600_000)).toBe(600_000);
    expect(computeCostMicros(1_000, 1_000, 150_000, 600_000)).toBe(750);
  });

  it("rounds any fraction of a micro-dollar up, never down", () => {
    expect(computeCostMicros(1, 0, 1, 0)).toBe(1); // 1e-6 micro → 1
    expect(computeCostMicros(3, 0, 1_000_000, 0)).toBe(3); // exact, no rounding
    expect(computeCostMicros(1, 1, 500_000, 500_001)).toBe(2); // 1_000_001 / 1e6 → 2
    expect(computeCostMicros(7, 3, 333_333, 111_111)).toBe(3); // 2_666_664 / 1e6 → 3
  });

  it("is zero for free models and zero tokens", () => {
    expect(computeCostMicros(123_456, 7_890, 0, 0)).toBe(0);
    expect(computeCostMicros(0, 0, 15_000_000, 75_000_000)).toBe(0);
    expect(isFreeModel(0, 0)).toBe(true);
    expect(isFreeModel(0, 1)).toBe(false);
  });

  it("stays exact where float arithmetic would not (BigInt path)", () => {
    // 2e9 tokens at $75,000 per 1M: the products pass 2^53.
    const tokens = 2_000_000_000;
    const price = 75_000_000_000;
    const exact = (BigInt(tokens) * BigInt(price) + 999_999n) / 1_000_000n;
    expect(computeCostMicros(tokens, 0, price, 0)).toBe(Number(exact));
    expect(computeCostMicros(tokens + 1, 1, price, 1)).toBe(Number((BigInt(tokens + 1) * BigInt(price) + 1n + 999_999n) / 1_000_000n));
  });

  it("matches exact BigInt arithmetic on random inputs, right up to the float limit", () => {
    let seed = 12345;
    const rnd = (max: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * max);
    };
    const ref = (a: number, b: number, c: number, d: number) => {
      const t = BigInt(a) * BigInt(c) + BigInt(b) * BigInt(d);
      return Number(t / 1_000_000n + (t % 1_000_000n > 0n ? 1n : 0n));
    };
    for (let k = 0; k < 20_000; k++) {
      const scale = [1e3, 1e6, 1e9][k % 3]!;
      const a = rnd(scale);
      const b = rnd(scale);
      const c = rnd(100_000_000);
      const d = rnd(100_000_000);
      expect(computeCostMicros(a, b, c, d)).toBe(ref(a, b, c, d));
    }
    // Totals just below 2^53 with every remainder shape.
    const max = Number.MAX_SAFE_INTEGER;
    for (const t of [max, max - 1, max - 999_999, max - 1_000_000, 9_007_199_254_000_000, 9_007_199_254_000_001, 8_589_934_592_000_001]) {
      expect(computeCostMicros(t, 0, 1, 0)).toBe(ref(t, 0, 1, 0));
    }
  });

  it("accepts BigInt prices straight from the database and agrees with numbers", () => {
    expect(computeCostMicros(1_234, 567, 3_000_000n, 15_000_000n)).toBe(computeCostMicros(1_234, 567, 3_000_000, 15_000_000));
    expect(computeCostMicros(1_234n, 567n, 3_000_000n, 15_000_000n)).toBe(12_207);
  });

  it("refuses fractional or negative inputs instead of charging a wrong amount", () => {
    expect(() => computeCostMicros(1.5, 0, 1, 1)).toThrow(RangeError);
    expect(() => computeCostMicros(1, -1, 1, 1)).toThrow(RangeError);
    expect(() => computeCostMicros(1, 1, 0.15, 1)).toThrow(RangeError);
    expect(() => computeCostMicros(1, 1, -1n, 1n)).toThrow(RangeError);
  });
});

describe("formatMicros", () => {
  it("prints short dollar amounts for reasons", () => {
    expect(formatMicros(0)).toBe("$0");
    expect(formatMicros(12_345)).toBe("$0.012345");
    expect(formatMicros(12_500_000)).toBe("$12.5");
    expect(formatMicros(4_999)).toBe("$0.004999");
    expect(formatMicros(1)).toBe("$0.000001");
    expect(formatMicros(10)).toBe("$0.00001");
    expect(formatMicros(1_000_001)).toBe("$1.000001");
    expect(formatMicros(-2_500_000)).toBe("-$2.5");
  });
});
