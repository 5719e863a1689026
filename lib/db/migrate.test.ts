import { describe, expect, it } from "vitest";
import { MigrationError, planMigrations, type AppliedMigration, type MigrationFile } from "./migrate";

const file = (name: string, checksum = `sum-${name}`): MigrationFile => ({ name, sql: "", checksum });
const row = (name: string, over: Partial<AppliedMigration> = {}): AppliedMigration => ({
  migration_name: name,
  checksum: `sum-${name}`,
  finished_at: new Date(),
  rolled_back_at: null,
  logs: null,
  ...over,
});

describe("planMigrations", () => {
  it("applies what the database lacks, in order", () => {
    expect(planMigrations([file("1_a"), file("2_b"), file("3_c")], [row("1_a")]).map((f) => f.name)).toEqual([
      "2_b",
      "3_c",
    ]);
  });

  it("refuses to start over a failed migration and says how to recover", () => {
    expect(() => planMigrations([file("1_a")], [row("1_a", { finished_at: null, logs: "syntax error" })])).toThrow(
      /1_a failed.*rolled_back_at.*syntax error/s,
    );
  });

  it("retries a failed migration that was marked rolled back", () => {
    const plan = planMigrations([file("1_a")], [row("1_a", { finished_at: null, rolled_back_at: new Date() })]);
    expect(plan.map((f) => f.name)).toEqual(["1_a"]);
  });

  it("refuses an edited migration", () => {
    expect(() => planMigrations([file("1_a", "changed")], [row("1_a")])).toThrow(MigrationError);
    expect(() => planMigrations([file("1_a", "changed")], [row("1_a")])).toThrow(/1_a was edited/);
  });

  it("refuses a database migrated by a newer build", () => {
    expect(() => planMigrations([file("1_a")], [row("1_a"), row("2_new")])).toThrow(/2_new.*does not know/);
  });
});
