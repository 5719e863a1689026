import type { Db } from "../db/client.ts";
import { identityTtlMs, TtlCache } from "../auth/identity-cache.ts";

/**
 * What the active checks last found, for routing: the providers whose last check failed are
 * skipped (as if their circuit were open) until a check passes again. Read from the database at
 * most once per SWITCHYARD_IDENTITY_TTL_MS (1 s) per process, whichever process checked.
 */
/** A provider as routing sees it now, for the model list: down by its last check, circuit open here, or up. */
export function providerStateOf(down: ReadonlySet<string>, isOpen: (providerId: string) => boolean): (providerId: string) => "up" | "down" | "circuit_open" {
  return (id) => (down.has(id) ? "down" : isOpen(id) ? "circuit_open" : "up");
}

export class CheckStates {
  private readonly cache = new TtlCache<"down", ReadonlySet<string>>(identityTtlMs);

  constructor(private readonly db: Db) {}

  down(): Promise<ReadonlySet<string>> {
    return this.cache.through("down", async () => {
      const rows = await this.db.providerCheck.findMany({ where: { outcome: "failed" }, select: { providerId: true } });
      return new Set(rows.map((r) => r.providerId));
    });
  }

  invalidate(): void {
    this.cache.clear();
  }
}
