import { describe, expect, it } from "vitest";
import { isNotFound, isUniqueViolation } from "./errors.ts";

describe("database error classes", () => {
  it("knows a unique violation however it arrives: Prisma's P2002, PostgreSQL's 23505 from raw SQL (code, meta or message)", () => {
    expect(
      [
        { code: "P2002" },
        { code: "23505" },
        { meta: { code: "23505" } },
        { message: 'duplicate key value violates unique constraint "users_email_key"' },
      ].map(isUniqueViolation),
    ).toEqual([true, true, true, true]);
    expect(
      [{ code: "P2025" }, { code: "23503" }, new Error("connection refused"), null, "P2002"].map(isUniqueViolation),
    ).toEqual([false, false, false, false, false]);
  });

  it("knows a missing row (P2025) and nothing else", () => {
    expect([{ code: "P2025" }, { code: "P2002" }, undefined, "P2025"].map(isNotFound)).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });
});
