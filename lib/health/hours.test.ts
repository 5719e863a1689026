import { describe, expect, it } from "vitest";
import { firstHour, hourlyCounts } from "./hours";

describe("hourly buckets", () => {
  const now = new Date("2026-12-02T10:17:30Z");

  it("are the 24 UTC hours ending with the current one, oldest first, zeros where nothing happened", () => {
    expect(firstHour(now).toISOString()).toBe("2026-12-01T11:00:00.000Z");
    const h = hourlyCounts([], now);
    expect(h).toHaveLength(24);
    expect(h[0]).toEqual({ hour: "2026-12-01T11:00:00.000Z", requests: 0, ok: 0 });
    expect(h[23]).toEqual({ hour: "2026-12-02T10:00:00.000Z", requests: 0, ok: 0 });
  });

  it("add up rows of one hour (a rolled-up part and a raw part) and drop rows outside the 24 hours", () => {
    const h = hourlyCounts(
      [
        { hour: new Date("2026-12-02T10:00:00Z"), requests: 5, ok: 4 },
        { hour: new Date("2026-12-02T10:00:00Z"), requests: 2, ok: 2 },
        { hour: new Date("2026-12-01T11:00:00Z"), requests: 1, ok: 0 },
        { hour: new Date("2026-12-01T10:00:00Z"), requests: 9, ok: 9 },
        { hour: new Date("2026-12-02T11:00:00Z"), requests: 9, ok: 9 },
      ],
      now,
    );
    expect(h[23]).toMatchObject({ requests: 7, ok: 6 });
    expect(h[0]).toMatchObject({ requests: 1, ok: 0 });
    expect(h.reduce((n, x) => n + x.requests, 0)).toBe(8);
  });
});
