import { describe, expect, it } from "vitest";
import { microsToUsdString } from "./provider-detail";

describe("charged USD as a string", () => {
  it("is exact to the micro-dollar", () => {
    expect(microsToUsdString(0n)).toBe("0.000000");
    expect(microsToUsdString(1023n)).toBe("0.001023");
    expect(microsToUsdString(4_997_980n)).toBe("4.997980");
    expect(microsToUsdString(9_007_199_254_740_993n)).toBe("9007199254.740993");
    expect(microsToUsdString(-14_000_003n)).toBe("-14.000003");
  });
});
