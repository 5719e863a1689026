import { describe, expect, it } from "vitest";
import {
  adminRequestsQuerySchema,
  decodeRequestCursor,
  encodeRequestCursor,
  requestTimeBounds,
} from "./admin-requests-query.ts";

describe("request log cursor", () => {
  it("round-trips any row id, in URL-safe characters", () => {
    for (const id of ["0193c0de-aaaa-7bbb-8ccc-123456789abc", "rq-x", "id|with|bars", "ünïcødé ✓"]) {
      const c = { createdAt: new Date("2026-05-06T07:08:09.010Z"), id };
      const text = encodeRequestCursor(c);
      expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeRequestCursor(text)).toEqual(c);
    }
  });

  it("is null for anything it did not hand out", () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64url");
    for (const bad of [
      "",
      "!!!",
      "a b",
      b64("2020-01-01|x"),
      b64("2020-13-01T00:00:00.000Z|x"),
      b64("2020-01-01T00:00:00.000Z|"),
      b64("2020-01-01T00:00:00.000Z|a\u0000b"),
      b64("0000-01-01T00:00:00.000Z|x"),
      b64("9999-06-01T00:00:00.000Z|x"),
      "/w",
    ]) {
      expect(decodeRequestCursor(bad), bad).toBeNull();
    }
  });
});

describe("request log query", () => {
  it("reads the filters as a form sends them: blanks are no filter, levels and statuses in any case", () => {
    expect(
      adminRequestsQuerySchema.parse({ user: " ", key: "", power_level: "eco", status: "ERROR", limit: "" }),
    ).toEqual({ power_level: "ECO", status: "error", limit: 50 });
  });

  it("reads a bare `to` as the whole day and refuses a range that ends before it starts", () => {
    expect(requestTimeBounds({ from: "2026-01-02", to: "2026-01-02" })).toEqual({
      from: new Date("2026-01-02T00:00:00Z"),
      to: new Date("2026-01-03T00:00:00Z"),
    });
    expect(requestTimeBounds({ to: "2026-01-02T10:00:00+02:00" })).toEqual({
      from: null,
      to: new Date("2026-01-02T08:00:00Z"),
    });
    expect(adminRequestsQuerySchema.safeParse({ from: "2026-01-03", to: "2026-01-02" }).success).toBe(false);
    expect(adminRequestsQuerySchema.safeParse({ from: "2026-01-02", to: "2026-01-02" }).success).toBe(true);
    // Dates JavaScript takes but the database refuses are a 400, not a 500.
    for (const q of [{ from: "0000-01-01" }, { from: "0001-01-01T00:30:00+01:00" }, { to: "9999-12-31" }])
      expect(adminRequestsQuerySchema.safeParse(q).success, JSON.stringify(q)).toBe(false);
  });
});
