import { describe, expect, it } from "vitest";
import { splitRange } from "./range.ts";

const d = (s: string) => new Date(s);

describe("splitRange", () => {
  it("reads whole rolled days from the rollups and the rest raw", () => {
    const s = splitRange({ from: d("2026-10-01T00:00:00Z"), to: d("2026-11-01T00:00:00Z") }, d("2026-10-20T00:00:00Z"));
    expect(s.rolled).toEqual({ from: d("2026-10-01T00:00:00Z"), to: d("2026-10-20T00:00:00Z") });
    expect(s.raw).toEqual([{ from: d("2026-10-20T00:00:00Z"), to: d("2026-11-01T00:00:00Z") }]);
  });
  it("keeps partial days at both edges raw", () => {
    const s = splitRange({ from: d("2026-10-01T06:00:00Z"), to: d("2026-10-05T12:00:00Z") }, d("2026-11-01T00:00:00Z"));
    expect(s.rolled).toEqual({ from: d("2026-10-02T00:00:00Z"), to: d("2026-10-05T00:00:00Z") });
    expect(s.raw).toEqual([
      { from: d("2026-10-01T06:00:00Z"), to: d("2026-10-02T00:00:00Z") },
      { from: d("2026-10-05T00:00:00Z"), to: d("2026-10-05T12:00:00Z") },
    ]);
  });
  it("reads everything raw when nothing is rolled or no whole day fits", () => {
    const r = { from: d("2026-10-01T06:00:00Z"), to: d("2026-10-01T18:00:00Z") };
    expect(splitRange(r, d("2026-11-01T00:00:00Z"))).toEqual({ rolled: null, raw: [r] });
    const all = { from: d("2026-10-01T00:00:00Z"), to: d("2026-10-03T00:00:00Z") };
    expect(splitRange(all, null)).toEqual({ rolled: null, raw: [all] });
  });
});
