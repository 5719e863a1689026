import type { Db } from "../db/client.ts";
import { scrubSecrets } from "../security/scrub.ts";

type Sample = { providerId: string; ok: boolean; latencyMs: number | null; statusCode: number | null; error: string | null; createdAt: Date };

/**
 * Health samples for the admin view, written in batches off the request path: one insert per
 * few seconds instead of one per request.
 */
export class HealthRecorder {
  private buffer: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db, private readonly flushEveryMs = 2_000, private readonly maxBuffer = 500) {}

  /** The error is scrubbed again here: it quotes an upstream, and admins read it back as last_error. */
  record(sample: Omit<Sample, "createdAt">): void {
    this.buffer.push({ ...sample, error: sample.error === null ? null : scrubSecrets(sample.error).slice(0, 500), createdAt: new Date() });
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
        await this.db.providerHealthSample.createMany({ data: batch });
      } catch {
        // Most likely a provider deleted since its sample was taken (foreign key): keep the rest.
        try {
          const live = new Set((await this.db.provider.findMany({ where: { id: { in: [...new Set(batch.map((b) => b.providerId))] } }, select: { id: true } })).map((p) => p.id));
          await this.db.providerHealthSample.createMany({ data: batch.filter((b) => live.has(b.providerId)) });
        } catch (err) {
          console.warn(`[health] dropped ${batch.length} samples: ${err instanceof Error ? err.message : err}`);
        }
      }
    });
    return this.writing;
  }
}
