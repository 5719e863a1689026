import { describe, expect, it } from "vitest";
import { HealthRecorder } from "./recorder";
import type { Db } from "../db/client";

/** A stand-in for the two Prisma calls the recorder makes, enforcing the provider foreign key. */
function fakeDb(providers: Set<string>) {
  const stored: { providerId: string }[] = [];
  const db = {
    providerHealthSample: {
      createMany: async ({ data }: { data: { providerId: string }[] }) => {
        if (data.some((d) => !providers.has(d.providerId))) throw Object.assign(new Error("foreign key"), { code: "P2003" });
        stored.push(...data);
        return { count: data.length };
      },
    },
    provider: { findMany: async ({ where }: { where: { id: { in: string[] } } }) => where.id.in.filter((id) => providers.has(id)).map((id) => ({ id })) },
  } as unknown as Db;
  return { db, stored };
}

describe("HealthRecorder", () => {
  it("keeps the samples of live providers when one in the batch was deleted", async () => {
    const { db, stored } = fakeDb(new Set(["alive"]));
    const rec = new HealthRecorder(db, 60_000);
    rec.record({ providerId: "deleted", ok: false, latencyMs: null, statusCode: 0, error: "refused" });
    rec.record({ providerId: "alive", ok: false, latencyMs: null, statusCode: 503, error: "mock error 503" });
    await rec.flush();
    expect(stored.map((s) => s.providerId)).toEqual(["alive"]);
  });

  it("stores errors without the credentials an upstream echoed into them", async () => {
    const { db, stored } = fakeDb(new Set(["p"]));
    const rec = new HealthRecorder(db, 60_000);
    rec.record({ providerId: "p", ok: false, latencyMs: null, statusCode: 401, error: "Incorrect API key provided: sk-proj-AbCdEf0123456789xyz" });
    await rec.flush();
    expect(stored).toMatchObject([{ error: "Incorrect API key provided: [redacted]" }]);
  });

  it("flush waits for a write already under way", async () => {
    const { db, stored } = fakeDb(new Set(["p"]));
    const rec = new HealthRecorder(db, 60_000, 1); // maxBuffer 1: record() starts a write itself
    rec.record({ providerId: "p", ok: true, latencyMs: 10, statusCode: 200, error: null });
    await rec.flush();
    expect(stored).toHaveLength(1);
  });
});
