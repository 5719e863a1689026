import { describe, expect, it, vi } from "vitest";
import type { Db } from "../db/client.ts";
import { runDueTasks, type MaintenanceTask } from "./maintenance.ts";

const db = {} as Db;

describe("runDueTasks", () => {
  it("runs each task on its own period; one that throws does not stop the others", async () => {
    let t = 1_000_000;
    const now = () => t;
    const fast = vi.fn(async () => ({}));
    const slow = vi.fn(async () => ({}));
    const broken = vi.fn(async () => {
      throw new Error("database went away");
    });
    const tasks: MaintenanceTask[] = [
      { name: "fast", everyMs: 10_000, run: fast },
      { name: "broken", everyMs: 10_000, run: broken },
      { name: "slow", everyMs: 60_000, run: slow },
    ];
    const last = new Map<string, number>();
    expect(await runDueTasks(db, tasks, last, now)).toEqual(["fast", "slow"]);
    t += 5_000;
    expect(await runDueTasks(db, tasks, last, now)).toEqual([]);
    t += 5_000;
    expect(await runDueTasks(db, tasks, last, now)).toEqual(["fast"]);
    expect(broken).toHaveBeenCalledTimes(2); // tried again on its period, not in a tight loop
    t += 50_000;
    expect(await runDueTasks(db, tasks, last, now)).toEqual(["fast", "slow"]);
    expect(slow.mock.calls.map((c) => (c as unknown as [Db, Date])[1].getTime())).toEqual([1_000_000, 1_060_000]);
  });
});
