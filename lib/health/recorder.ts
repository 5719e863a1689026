import type { Db } from "../db/client.ts";
import { sqlRows } from "../db/sql.ts";
import { scrubSecrets } from "../security/scrub.ts";
import { log } from "../log/logger.ts";

type Sample = {
  providerId: string;
  ok: boolean;
  latencyMs: number | null;
  ttftMs: number | null;
  statusCode: number | null;
  error: string | null;
  createdAt: Date;
};

/**
 * Health samples for the admin view, written in batches off the request path: one insert per
 * few seconds instead of one per request.
 */
export class HealthRecorder {
  private buffer: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly flushEveryMs = 2_000,
    private readonly maxBuffer = 500,
  ) {}

  /** The error is scrubbed again here: it quotes an upstream, and admins read it back as last_error. */
  record(sample: Omit<Sample, "createdAt">): void {
    this.buffer.push({
      ...sample,
      error: sample.error === null ? null : scrubSecrets(sample.error).slice(0, 500),
      createdAt: new Date(),
    });
    if (this.buffer.length >= this.maxBuffer) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushEveryMs);
      this.timer.unref();
    }
  }

  private writing: Promise<void> = Promise.resolve();

  /** Writes what is buffered; resolves once every sample recorded before the call is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer.splice(0);
    this.writing = this.writing.then(async () => {
      if (!batch.length) return;
      try {
        // One statement for the batch (arrays unnested), in SQL rather than Prisma's createMany,
        // whose per-row work the gateway's profile showed; samples of a provider deleted since
        // are skipped by the join.
        await sqlRows(
          this.db,
          "sy_health_samples",
          `INSERT INTO provider_health_samples (provider_id, ok, latency_ms, ttft_ms, status_code, error, created_at)
           SELECT s.provider_id, s.ok, s.latency_ms, s.ttft_ms, s.status_code, s.error, s.created_at::timestamptz::timestamp
           FROM unnest($1::text[], $2::bool[], $3::int4[], $4::int4[], $5::int4[], $6::text[], $7::text[]) WITH ORDINALITY AS s(provider_id, ok, latency_ms, ttft_ms, status_code, error, created_at, n)
           JOIN providers p ON p.id = s.provider_id
           ORDER BY s.n`,
          [
            batch.map((b) => b.providerId),
            batch.map((b) => b.ok),
            batch.map((b) => b.latencyMs),
            batch.map((b) => b.ttftMs),
            batch.map((b) => b.statusCode),
            batch.map((b) => b.error),
            batch.map((b) => b.createdAt.toISOString()),
          ],
        );
      } catch (err) {
        log().warn(
          { dropped: batch.length, err: err instanceof Error ? err.message : String(err) },
          "health: dropped samples",
        );
      }
    });
    return this.writing;
  }
}
