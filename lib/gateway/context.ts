import { db } from "../db/client.ts";
import { masterKeyRing } from "../crypto/master-key.ts";
import { CircuitBreakers } from "../health/circuit-breaker.ts";
import { HealthRecorder } from "../health/recorder.ts";
import { ledgerBilling } from "../ledger/billing.ts";
import { createAdapter } from "../providers/registry.ts";
import { CatalogStore } from "./catalog-store.ts";
import type { ChatDeps } from "./chat-completion.ts";

const globalForGateway = globalThis as unknown as { switchyardGateway?: ChatDeps };

/** The app process's gateway: one catalog cache, one set of circuit breakers, one health recorder. */
export function gateway(): ChatDeps {
  if (!globalForGateway.switchyardGateway) {
    const database = db();
    globalForGateway.switchyardGateway = {
      db: database,
      catalog: new CatalogStore(database),
      breakers: new CircuitBreakers(),
      billing: ledgerBilling(database, process.env.SWITCHYARD_HOLD_TTL_MS ? Number(process.env.SWITCHYARD_HOLD_TTL_MS) : undefined),
      adapterFor: createAdapter,
      masterKey: masterKeyRing,
      healthRecorder: new HealthRecorder(database),
    };
  }
  return globalForGateway.switchyardGateway;
}
