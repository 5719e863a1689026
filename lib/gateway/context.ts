import { db, sqlTargetOf } from "../db/client.ts";
import { GatewayLimits } from "../limits/gateway-limits.ts";
import { MemoryRateStore } from "../limits/memory-store.ts";
import { PgRateStore } from "../limits/pg-store.ts";
import { markByokInvalid } from "../byok/byok.ts";
import { byokFeeBasisPoints } from "../byok/fee.ts";
import { SharedCircuits } from "../health/shared-circuits.ts";
import { masterKeyRing } from "../crypto/master-key.ts";
import { CircuitBreakers } from "../health/circuit-breaker.ts";
import { HealthRecorder } from "../health/recorder.ts";
import { ledgerBilling } from "../ledger/billing.ts";
import { createAdapter } from "../providers/registry.ts";
import { CatalogStore } from "./catalog-store.ts";
import type { ChatDeps } from "./chat-completion.ts";
import { env } from "../config/env.ts";

const globalForGateway = globalThis as unknown as { switchyardGateway?: ChatDeps };

/** The app process's gateway: one catalog cache, one set of circuit breakers, one health recorder. */
export function gateway(): ChatDeps {
  if (!globalForGateway.switchyardGateway) {
    const database = db();
    globalForGateway.switchyardGateway = {
      db: database,
      catalog: new CatalogStore(database),
      breakers: new CircuitBreakers({
        failureThreshold: 3,
        cooldownMs: env("SWITCHYARD_CIRCUIT_COOLDOWN_MS"),
        window: 50,
      }),
      billing: ledgerBilling(database, env("SWITCHYARD_HOLD_TTL_MS")),
      adapterFor: createAdapter,
      masterKey: masterKeyRing,
      healthRecorder: new HealthRecorder(database),
      // Shared by every process on PostgreSQL; the embedded database has one process.
      markByokInvalid: (keyId, reason, opts) => markByokInvalid(database, keyId, reason, opts),
      byokFee: () => byokFeeBasisPoints(database),
      circuits: new SharedCircuits(database),
      limits: new GatewayLimits(sqlTargetOf(database).prepare ? new PgRateStore(database) : new MemoryRateStore()),
    };
  }
  return globalForGateway.switchyardGateway;
}
