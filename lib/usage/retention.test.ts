import { describe, expect, it } from "vitest";
import { usageRetentionDaysFromEnv } from "./retention.ts";

describe("SWITCHYARD_USAGE_RETENTION_DAYS", () => {
  it("defaults to 400 days and takes a positive whole number", () => {
    expect(usageRetentionDaysFromEnv({})).toBe(400);
    expect(usageRetentionDaysFromEnv({ SWITCHYARD_USAGE_RETENTION_DAYS: " " })).toBe(400);
    expect(usageRetentionDaysFromEnv({ SWITCHYARD_USAGE_RETENTION_DAYS: "30" })).toBe(30);
  });

  it("refuses anything else, naming the variable", () => {
    for (const bad of ["0", "-1", "1.5", "1e3", "abc", "30 days", "99999999999999999999"]) {
      expect(() => usageRetentionDaysFromEnv({ SWITCHYARD_USAGE_RETENTION_DAYS: bad }), bad).toThrow(
        /SWITCHYARD_USAGE_RETENTION_DAYS/,
      );
    }
  });
});
