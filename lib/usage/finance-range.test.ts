import { describe, expect, it } from "vitest";
import {
  drillFromQuery,
  financePresetOf,
  financePresetRange,
  financeQuery,
  isUtcDay,
  rangeFromQuery,
  rangeProblem,
} from "./finance-range.ts";

const at = (iso: string) => new Date(iso);
const params = (query: string) => new URLSearchParams(query);

describe("financePresetRange", () => {
  it("gives this month up to today, in UTC", () => {
    // 23:30 on the 31st in New York is already the 1st of the next month in UTC.
    expect(financePresetRange("this-month", at("2025-04-01T03:30:00Z"))).toEqual({
      from: "2025-04-01",
      to: "2025-04-01",
    });
    expect(financePresetRange("this-month", at("2025-03-17T12:00:00Z"))).toEqual({
      from: "2025-03-01",
      to: "2025-03-17",
    });
  });
  it("gives the whole previous month, across a year and in a leap year", () => {
    expect(financePresetRange("last-month", at("2025-01-10T00:00:00Z"))).toEqual({
      from: "2024-12-01",
      to: "2024-12-31",
    });
    expect(financePresetRange("last-month", at("2024-03-31T23:59:59Z"))).toEqual({
      from: "2024-02-01",
      to: "2024-02-29",
    });
  });
  it("gives 30 days with today", () => {
    expect(financePresetRange("last-30-days", at("2025-03-02T08:00:00Z"))).toEqual({
      from: "2025-02-01",
      to: "2025-03-02",
    });
  });
});

describe("financePresetOf", () => {
  it("recognises a preset's days and calls anything else custom", () => {
    const now = at("2025-03-17T12:00:00Z");
    expect(financePresetOf({ from: "2025-03-01", to: "2025-03-17" }, now)).toBe("this-month");
    expect(financePresetOf({ from: "2025-02-01", to: "2025-02-28" }, now)).toBe("last-month");
    expect(financePresetOf({ from: "2025-02-16", to: "2025-03-17" }, now)).toBe("last-30-days");
    expect(financePresetOf({ from: "2025-03-01", to: "2025-03-16" }, now)).toBeNull();
  });
});

describe("rangeProblem and isUtcDay", () => {
  it("accepts one day and 366 days, and refuses the rest with a reason", () => {
    expect(rangeProblem({ from: "2025-03-01", to: "2025-03-01" })).toBeNull();
    expect(rangeProblem({ from: "2024-01-01", to: "2024-12-31" })).toBeNull();
    expect(rangeProblem({ from: "2024-01-01", to: "2025-01-01" })).toMatch(/at most 366 days/);
    expect(rangeProblem({ from: "2025-03-02", to: "2025-03-01" })).toMatch(/must not be after/);
    expect(rangeProblem({ from: "", to: "2025-03-01" })).toMatch(/both dates/);
    expect(rangeProblem({ from: "2025-02-30", to: "2025-03-01" })).toMatch(/real days/);
  });
  it("knows a real day", () => {
    expect(isUtcDay("2024-02-29")).toBe(true);
    expect(isUtcDay("2025-02-29")).toBe(false);
    expect(isUtcDay("2025-3-1")).toBe(false);
    expect(isUtcDay(null)).toBe(false);
  });
});

describe("rangeFromQuery", () => {
  const now = at("2025-03-17T12:00:00Z");
  it("defaults to this month", () => {
    expect(rangeFromQuery(null, null, now)).toEqual({ range: { from: "2025-03-01", to: "2025-03-17" }, problem: null });
  });
  it("keeps a valid range and replaces a bad one, saying why", () => {
    expect(rangeFromQuery("2025-01-05", "2025-02-01", now)).toEqual({
      range: { from: "2025-01-05", to: "2025-02-01" },
      problem: null,
    });
    const bad = rangeFromQuery("2025-02-01", "2025-01-05", now);
    expect(bad.range).toEqual({ from: "2025-03-01", to: "2025-03-17" });
    expect(bad.problem).toMatch(/start must not be after the end.*showing this month/);
    expect(rangeFromQuery("2025-02-01", null, now).problem).toMatch(/both dates/);
  });
});

describe("drillFromQuery and financeQuery", () => {
  const range = { from: "2025-03-01", to: "2025-03-17" };
  it("reads the filters and drops a day outside the range", () => {
    expect(drillFromQuery(params("provider=simulated&day=2025-03-02&junk=1"), range)).toEqual({
      provider: "simulated",
      day: "2025-03-02",
    });
    expect(drillFromQuery(params("model=m&day=2025-02-28"), range)).toEqual({ model: "m" });
    expect(drillFromQuery(params("day=2025-03-40&user_id=u1&power_level="), range)).toEqual({ user_id: "u1" });
  });
  it("writes the range, then the filters in a fixed order", () => {
    expect(financeQuery(range, { user_id: "u 1", day: "2025-03-02", provider: "a/b" })).toBe(
      "from=2025-03-01&to=2025-03-17&day=2025-03-02&provider=a%2Fb&user_id=u+1",
    );
    expect(financeQuery(range)).toBe("from=2025-03-01&to=2025-03-17");
  });
});
