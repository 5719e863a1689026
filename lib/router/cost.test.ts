import { describe, expect, it } from "vitest";
import {
  computeCostMicros,
  formatMicros,
  invoiceCost,
  isFreeModel,
  type ClassPrices,
  type TokenClasses,
} from "./cost.ts";

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
    expect(computeCostMicros(tokens + 1, 1, price, 1)).toBe(
      Number((BigInt(tokens + 1) * BigInt(price) + 1n + 999_999n) / 1_000_000n),
    );
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
    for (const t of [
      max,
      max - 1,
      max - 999_999,
      max - 1_000_000,
      9_007_199_254_000_000,
      9_007_199_254_000_001,
      8_589_934_592_000_001,
    ]) {
      expect(computeCostMicros(t, 0, 1, 0)).toBe(ref(t, 0, 1, 0));
    }
  });

  it("accepts BigInt prices straight from the database and agrees with numbers", () => {
    expect(computeCostMicros(1_234, 567, 3_000_000n, 15_000_000n)).toBe(
      computeCostMicros(1_234, 567, 3_000_000, 15_000_000),
    );
    expect(computeCostMicros(1_234n, 567n, 3_000_000n, 15_000_000n)).toBe(12_207);
  });

  it("refuses fractional or negative inputs instead of charging a wrong amount", () => {
    expect(() => computeCostMicros(1.5, 0, 1, 1)).toThrow(RangeError);
    expect(() => computeCostMicros(1, -1, 1, 1)).toThrow(RangeError);
    expect(() => computeCostMicros(1, 1, 0.15, 1)).toThrow(RangeError);
    expect(() => computeCostMicros(1, 1, -1n, 1n)).toThrow(RangeError);
  });
});

describe("invoiceCost", () => {
  // Claude 3.5 Sonnet as Anthropic lists it: $3 input, $0.30 cache read, $3.75 cache write, $15 output per 1M.
  const sonnet: ClassPrices = { input: 3_000_000, cacheRead: 300_000, cacheWrite: 3_750_000, output: 15_000_000 };
  const t = (uncachedInput: number, cacheRead: number, cacheWrite: number, output: number): TokenClasses => ({
    uncachedInput,
    cacheRead,
    cacheWrite,
    output,
  });

  it("prices every class at its own price", () => {
    // 200 × $3/M = 600 µ$; 1,000 × $0.30/M = 300 µ$; 400 × $3.75/M = 1,500 µ$; 50 × $15/M = 750 µ$.
    expect(invoiceCost(t(200, 1_000, 400, 50), sonnet)).toEqual({
      total: 3_150,
      input: 600,
      cacheRead: 300,
      cacheWrite: 1_500,
      output: 750,
    });
  });

  it("bills cache classes at the input price when the catalog has no cache price", () => {
    // 1,200 prompt tokens at $1/M whatever their class = 1,200 µ$; 10 output at $2/M = 20 µ$.
    expect(invoiceCost(t(200, 700, 300, 10), { input: 1_000_000, output: 2_000_000, cacheRead: null })).toEqual({
      total: 1_220,
      input: 200,
      cacheRead: 700,
      cacheWrite: 300,
      output: 20,
    });
  });

  it("rounds once, over the sum, and hands the ceiling's micro-dollars to the largest fractions", () => {
    // gpt-4o-mini: 7 × 0.15 = 1.05, 3 × 0.075 = 0.225, 1 × 0.6 = 0.6 (µ$) → total ceil(1.875) = 2.
    // Floors 1 + 0 + 0 = 1; the one extra micro-dollar goes to output (fraction 0.6 beats 0.225 and 0.05).
    expect(invoiceCost(t(7, 3, 0, 1), { input: 150_000, cacheRead: 75_000, output: 600_000 })).toEqual({
      total: 2,
      input: 1,
      cacheRead: 0,
      cacheWrite: 0,
      output: 1,
    });
    // 0.6 + 0.7 + 0.1 = 1.4 → total 2: cache read (0.7) and input (0.6) get one each.
    expect(invoiceCost(t(1, 1, 1, 0), { input: 600_000, cacheRead: 700_000, cacheWrite: 100_000, output: 0 })).toEqual({
      total: 2,
      input: 1,
      cacheRead: 1,
      cacheWrite: 0,
      output: 0,
    });
    // Four fractions of 0.999999: the ceiling adds four micro-dollars, one per class.
    expect(
      invoiceCost(t(1, 1, 1, 1), { input: 999_999, cacheRead: 999_999, cacheWrite: 999_999, output: 999_999 }),
    ).toEqual({ total: 4, input: 1, cacheRead: 1, cacheWrite: 1, output: 1 });
  });

  it("breaks ties in the fixed order input, cache read, cache write, output", () => {
    // 0.5 + 0.5 = 1: one micro-dollar, input comes first.
    expect(invoiceCost(t(1, 0, 0, 1), { input: 500_000, output: 500_000 })).toEqual({
      total: 1,
      input: 1,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0,
    });
    // 0.3 (cache read) + 0.3 (output) = 0.6 → 1, to cache read.
    expect(invoiceCost(t(0, 1, 0, 1), { input: 9, cacheRead: 300_000, output: 300_000 })).toEqual({
      total: 1,
      input: 0,
      cacheRead: 1,
      cacheWrite: 0,
      output: 0,
    });
  });

  it("costs exactly what computeCostMicros says when no cache tokens are involved", () => {
    let seed = 99;
    const rnd = (max: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * max);
    };
    for (let k = 0; k < 5_000; k++) {
      const [p, c, i, o] = [rnd(1e6), rnd(1e6), rnd(100_000_000), rnd(100_000_000)];
      const cost = invoiceCost(t(p, 0, 0, c), { input: i, output: o, cacheRead: rnd(1e6), cacheWrite: rnd(1e8) });
      expect(cost.total).toBe(computeCostMicros(p, c, i, o));
      expect(cost.cacheRead + cost.cacheWrite).toBe(0);
    }
  });

  it("always sums its parts to one exact ceiling, each part within a micro-dollar of its own cost, past 2^53 too", () => {
    let seed = 7;
    const rnd = (max: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * max);
    };
    for (let k = 0; k < 5_000; k++) {
      const scale = [1e3, 1e6, 2e9][k % 3]!;
      const tokens = t(rnd(scale), rnd(scale), rnd(scale), rnd(scale));
      const prices = { input: rnd(1e8), cacheRead: rnd(1e8), cacheWrite: rnd(1e8), output: rnd(1e8) };
      const cost = invoiceCost(tokens, prices);
      const exact = [
        [tokens.uncachedInput, prices.input, cost.input],
        [tokens.cacheRead, prices.cacheRead, cost.cacheRead],
        [tokens.cacheWrite, prices.cacheWrite, cost.cacheWrite],
        [tokens.output, prices.output, cost.output],
      ].map(([n, price, part]) => {
        const p = BigInt(n!) * BigInt(price!);
        expect(BigInt(part!) - p / 1_000_000n).toBeGreaterThanOrEqual(0n);
        expect(BigInt(part!) * 1_000_000n - p).toBeLessThan(1_000_000n);
        return p;
      });
      const sum = exact.reduce((a, b) => a + b, 0n);
      expect(cost.total).toBe(Number((sum + 999_999n) / 1_000_000n));
      expect(cost.input + cost.cacheRead + cost.cacheWrite + cost.output).toBe(cost.total);
    }
  });

  it("refuses fractional or negative counts and prices", () => {
    expect(() => invoiceCost(t(1.5, 0, 0, 0), sonnet)).toThrow(RangeError);
    expect(() => invoiceCost(t(0, -1, 0, 0), sonnet)).toThrow(RangeError);
    expect(() => invoiceCost(t(1, 1, 1, 1), { ...sonnet, cacheWrite: 0.5 })).toThrow(RangeError);
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
