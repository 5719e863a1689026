import type { Db } from "../db/client.ts";
import { usagePrunedUntil } from "./rollup.ts";

export type ChargeMismatch = { requestId: string; problem: string };

/**
 * Every charged usage row against the ledger's CHARGE entry for its request ("charge:<id>"),
 * across all time, for `ledger verify`: both are written by one statement, so any difference is
 * a defect or a hand edit. Returns at most `limit` mismatches and how many there are.
 *
 * A charge from before the usage retention horizon whose row is gone was pruned, not lost: those
 * days are checked by their totals instead (rollupDrift, against the usage rollups). `prunedBefore`
 * says from when on every charge was checked one by one.
 */
export async function verifyCharges(
  db: Db,
  limit = 100,
): Promise<{ checked: number; total: number; mismatches: ChargeMismatch[]; prunedBefore: Date | null }> {
  const pruned = await usagePrunedUntil(db);
  const rows = await db.$queryRaw<{ req: string; usage: bigint | null; ledger: bigint | null; total: bigint }[]>`
    SELECT COALESCE(l.id, e.req) AS req, l.charged_micros AS usage, -e.amount_micros AS ledger, count(*) OVER () AS total
    FROM (SELECT id, charged_micros FROM usage_logs WHERE charged_micros <> 0) l
    FULL JOIN (SELECT substr(idempotency_key, 8) AS req, amount_micros, created_at FROM ledger_entries WHERE type = 'CHARGE') e ON e.req = l.id
    WHERE (l.id IS NULL AND e.created_at >= ${pruned ?? new Date(0)}::timestamp(3)) OR e.req IS NULL OR -e.amount_micros <> l.charged_micros
    ORDER BY 1 LIMIT ${limit}`;
  const [c] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM ledger_entries WHERE type = 'CHARGE'`;
  return {
    prunedBefore: pruned,
    checked: Number(c?.n ?? 0),
    total: Number(rows[0]?.total ?? 0),
    mismatches: rows.map((r) => ({
      requestId: r.req,
      problem:
        r.ledger === null
          ? `usage row charged ${r.usage} micro-USD but the ledger has no charge`
          : r.usage === null
            ? `ledger charged ${r.ledger} micro-USD but there is no charged usage row`
            : `ledger charged ${r.ledger} micro-USD, usage row says ${r.usage}`,
    })),
  };
}
