import { describe, expect, it } from "vitest";
import { latencyExclusionReason } from "./latency.ts";

describe("latency SLO", () => {
  it("instant keeps first token under 500 ms", () => {
    expect(latencyExclusionReason(499, "instant")).toBeNull();
    expect(latencyExclusionReason(500, "instant")).toBe("first token ~500 ms, instant needs < 500 ms");
  });

  it("fast keeps first token under 1000 ms", () => {
    expect(latencyExclusionReason(999, "fast")).toBeNull();
    expect(latencyExclusionReason(1_500, "fast")).toBe("first token ~1500 ms, fast needs < 1000 ms");
  });

  it("normal, slow and no SLO filter nothing", () => {
    expect(latencyExclusionReason(5_000, "normal")).toBeNull();
    expect(latencyExclusionReason(5_000, "slow")).toBeNull();
    expect(latencyExclusionReason(5_000, null)).toBeNull();
  });
});
