// The health recorder writes its buffered samples in one SQL statement (lib/health/recorder.ts),
// against the real database: samples of a provider deleted meanwhile are skipped, the rest kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HealthRecorder } from "../../lib/health/recorder.ts";
import { createTestDatabase, sql, type TestDatabase } from "../setup/test-db.ts";

let database: TestDatabase;
let alive: string;

beforeAll(async () => {
  database = await createTestDatabase();
  alive = (await database.db.provider.findFirstOrThrow({ select: { id: true } })).id;
});
afterAll(() => database?.drop());

const samples = () =>
  sql<{
    provider_id: string;
    ok: boolean;
    latency_ms: number | null;
    ttft_ms: number | null;
    status_code: number | null;
    error: string | null;
    age_s: number;
  }>(
    database.url,
    "SELECT provider_id, ok, latency_ms, ttft_ms, status_code, error, extract(epoch from (now() at time zone 'UTC') - created_at)::float8 AS age_s FROM provider_health_samples ORDER BY id",
  );

describe("HealthRecorder", () => {
  it("writes a batch in one go, keeps live providers' samples when one in the batch was deleted, and stores errors scrubbed", async () => {
    const rec = new HealthRecorder(database.db, 60_000);
    rec.record({
      providerId: "deleted-meanwhile",
      ok: false,
      latencyMs: null,
      ttftMs: null,
      statusCode: 0,
      error: "refused",
    });
    rec.record({
      providerId: alive,
      ok: false,
      latencyMs: null,
      ttftMs: null,
      statusCode: 401,
      error: "Incorrect API key provided: sk-proj-AbCdEf0123456789xyz",
    });
    rec.record({ providerId: alive, ok: true, latencyMs: 420, ttftMs: 42, statusCode: 200, error: null });
    await rec.flush();
    const rows = await samples();
    expect(rows.map(({ age_s: _age, ...r }) => r)).toEqual([
      {
        provider_id: alive,
        ok: false,
        latency_ms: null,
        ttft_ms: null,
        status_code: 401,
        error: "Incorrect API key provided: [redacted]",
      },
      { provider_id: alive, ok: true, latency_ms: 420, ttft_ms: 42, status_code: 200, error: null },
    ]);
    // Stamped with the time recorded, in UTC like every timestamp here.
    for (const r of rows) expect(Math.abs(r.age_s)).toBeLessThan(60);
  });

  it("flush waits for a write already under way", async () => {
    const before = (await samples()).length;
    const rec = new HealthRecorder(database.db, 60_000, 1); // maxBuffer 1: record() starts a write itself
    rec.record({ providerId: alive, ok: true, latencyMs: 10, ttftMs: 5, statusCode: 200, error: null });
    await rec.flush();
    expect(await samples()).toHaveLength(before + 1);
  });
});
