// A usage row from a plain record, for tests that set up or inspect usage directly (the gateway
// writes its rows with the settle, lib/ledger/settlements.ts).
import type { Db } from "../../lib/db/client.ts";
import { insertUsage, usageValues, type UsageRecord } from "../../lib/gateway/usage-log.ts";

export function writeUsage(db: Db, r: UsageRecord): Promise<void> {
  return insertUsage(db, usageValues(r), r.chargedMicros, r.createdAt);
}
