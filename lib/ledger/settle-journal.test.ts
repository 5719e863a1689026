import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareJob, SettleJournal, type SettleJob } from "./settlements.ts";
import { padUsageValues, usageInsertSql } from "../gateway/usage-log.ts";

const job = (n: number): SettleJob => ({
  userId: "u1",
  requestId: `req-${n}`,
  chargeMicros: n,
  reference: `request req-${n}`,
  movesMoney: true,
  usage: {
    id: `req-${n}`,
    userId: "u1",
    apiKeyId: null,
    providerId: null,
    modelId: null,
    providerSlug: "p",
    modelName: "m",
    powerLevel: "ECO",
    taskType: "chat",
    promptTokens: 1,
    completionTokens: 1,
    chargedMicros: n,
    providerCostMicros: n,
    precisionCostMicros: null,
    latencyMs: 1,
    ttftMs: 1,
    status: "success",
    errorMessage: null,
    fallbackCount: 0,
    byok: false,
    stream: true,
    attempts: [],
  },
});

describe("the settle journal", () => {
  it("keeps every unsettled job on disk, one JSON line each, and deletes a full file once all its jobs settled", () => {
    const dir = mkdtempSync(join(tmpdir(), "sy-journal-unit-"));
    const journal = new SettleJournal(dir, 500); // a file fills after a few jobs
    const segs = Array.from({ length: 6 }, (_, i) => journal.append(prepareJob(job(i))));
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThan(1);
    expect(files.every((f) => f.startsWith(`${hostname()}-${process.pid}-`))).toBe(true);
    const lines = files.flatMap((f) => readFileSync(join(dir, f), "utf8").trim().split("\n"));
    expect(lines.map((l) => (JSON.parse(l) as SettleJob).requestId)).toEqual([
      "req-0",
      "req-1",
      "req-2",
      "req-3",
      "req-4",
      "req-5",
    ]);

    // The first file is full: once its jobs settle it goes; the one being written stays.
    const first = segs[0]!;
    segs.filter((s) => s === first).forEach((s) => journal.settled(s));
    expect(readdirSync(dir)).toHaveLength(files.length - 1);
    // A job that has not settled keeps its file, however full.
    const last = segs[segs.length - 1]!;
    expect(readdirSync(dir).some((f) => readFileSync(join(dir, f), "utf8").includes('"req-5"'))).toBe(true);
    journal.settled(last);
    expect(readdirSync(dir).some((f) => readFileSync(join(dir, f), "utf8").includes('"req-5"'))).toBe(true); // current file: still open for appends
  });
});

describe("usage rows journaled by an older version", () => {
  it("gain the columns added since, at their defaults, so they still replay", () => {
    const current = prepareJob(job(1)).usage;
    const columns = usageInsertSql(1).columns.split(", ");
    expect(current).toHaveLength(columns.length);
    // The version before the token classes journaled 22 values: everything up to the receipt.
    const old = current.slice(0, columns.indexOf("receipt") + 1);
    expect(old).toHaveLength(22);
    const padded = padUsageValues(old);
    expect(padded).toHaveLength(columns.length);
    expect(padded.slice(0, 22)).toEqual(old);
    expect(Object.fromEntries(columns.slice(22).map((c, i) => [c, padded[22 + i]]))).toEqual({
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
      input_cost_micros: 0,
      cache_read_cost_micros: 0,
      cache_write_cost_micros: 0,
      output_cost_micros: 0,
      // Journaled before the Messages API existed: every such request spoke chat completions.
      api: "chat.completions",
    });
    expect(padUsageValues(current)).toBe(current);
  });
});
