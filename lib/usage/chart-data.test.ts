import { describe, expect, it } from "vitest";
import {
  daysInRange,
  EMPTY_USAGE,
  fillDays,
  inclusiveDays,
  keyLabel,
  presetRange,
  shortLabel,
  topBySpend,
  withSpend,
  type UsagePoint,
} from "./chart-data.ts";

const point = (key: string, spend_micros: number, requests = 1): UsagePoint => ({
  ...EMPTY_USAGE,
  key,
  spend_micros,
  spend_usd: spend_micros / 1e6,
  requests,
});

describe("daysInRange", () => {
  it("lists each UTC day of [from, to)", () => {
    expect(daysInRange("2025-02-27T00:00:00.000Z", "2025-03-02T00:00:00.000Z")).toEqual([
      "2025-02-27",
      "2025-02-28",
      "2025-03-01",
    ]);
  });
  it("includes the partial first and last days of a datetime range", () => {
    expect(daysInRange("2025-01-01T18:00:00.000Z", "2025-01-03T06:00:00.000Z")).toEqual([
      "2025-01-01",
      "2025-01-02",
      "2025-01-03",
    ]);
  });
  it("is empty for an empty or invalid range", () => {
    expect(daysInRange("2025-01-02T00:00:00Z", "2025-01-02T00:00:00Z")).toEqual([]);
    expect(daysInRange("nope", "2025-01-02T00:00:00Z")).toEqual([]);
  });
});

describe("fillDays", () => {
  it("keeps the days with usage and adds zero days in between, in order", () => {
    const filled = fillDays(
      [point("2025-01-03", 500), point("2025-01-01", 20)],
      "2025-01-01T00:00:00.000Z",
      "2025-01-05T00:00:00.000Z",
    );
    expect(filled.map((p) => [p.key, p.spend_micros, p.requests])).toEqual([
      ["2025-01-01", 20, 1],
      ["2025-01-02", 0, 0],
      ["2025-01-03", 500, 1],
      ["2025-01-04", 0, 0],
    ]);
  });
  it("gives a full range of zeros without usage", () => {
    const filled = fillDays([], "2025-01-01T00:00:00.000Z", "2025-01-31T00:00:00.000Z");
    expect(filled).toHaveLength(30);
    expect(filled.every((p) => p.spend_micros === 0 && p.requests === 0)).toBe(true);
  });
});

describe("topBySpend", () => {
  it("keeps the n highest spenders, highest first, ties by requests then name", () => {
    const series = Array.from({ length: 14 }, (_, i) => point(`m${String(i).padStart(2, "0")}`, i * 100));
    const top = topBySpend(series, 10);
    expect(top).toHaveLength(10);
    expect(top[0]!.key).toBe("m13");
    expect(top.at(-1)!.key).toBe("m04");
    expect(topBySpend([point("b", 5, 1), point("a", 5, 1), point("c", 5, 9)], 3).map((p) => p.key)).toEqual([
      "c",
      "a",
      "b",
    ]);
  });
  it("does not change its input", () => {
    const series = [point("a", 1), point("b", 2)];
    topBySpend(series, 1);
    expect(series.map((p) => p.key)).toEqual(["a", "b"]);
  });
});

describe("withSpend", () => {
  it("drops keys that cost nothing", () => {
    expect(withSpend([point("ECO", 0, 8), point("PRECISION", 900), point("BALANCED", 40)]).map((p) => p.key)).toEqual([
      "PRECISION",
      "BALANCED",
    ]);
  });
});

describe("presetRange and inclusiveDays", () => {
  const now = new Date("2025-03-02T23:30:00.000Z");
  it("ends today (UTC) and spans exactly n days", () => {
    expect(presetRange(7, now)).toEqual({ from: "2025-02-24", to: "2025-03-02" });
    expect(presetRange(1, now)).toEqual({ from: "2025-03-02", to: "2025-03-02" });
    const r = presetRange(90, now);
    expect(inclusiveDays(r.from, r.to)).toBe(90);
  });
  it("counts inclusive days, 0 when reversed or invalid", () => {
    expect(inclusiveDays("2024-01-01", "2024-12-31")).toBe(366);
    expect(inclusiveDays("2024-01-02", "2024-01-01")).toBe(0);
    expect(inclusiveDays("", "2024-01-01")).toBe(0);
  });
});

describe("keyLabel", () => {
  it("names the API's 'none' key", () => {
    expect(keyLabel("none", "provider")).toBe("not served");
    expect(keyLabel("none", "power_level")).toBe("unknown");
    expect(keyLabel("openai", "provider")).toBe("openai");
  });
});

describe("shortLabel", () => {
  it("cuts a long name to the room there is, with an ellipsis, and leaves short ones alone", () => {
    expect(shortLabel("openai", 12)).toBe("openai");
    expect(shortLabel("Northwind Frontier Reasoning Model Extended Context Preview 0413", 20)).toBe(
      "Northwind Frontier…",
    );
    expect(shortLabel("abcdefghijklmnopqrstuvwxyz", 10)).toBe("abcdefghi…");
    expect(shortLabel("模型名称很长很长很长", 5)).toBe("模型名称…");
  });
});
