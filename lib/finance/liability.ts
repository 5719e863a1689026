import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { num, queryRows } from "./query.ts";
import { rolledUntil } from "./rollup.ts";
import { splitRange } from "./range.ts";
import { ledgerSource } from "./sources.ts";

/**
 * What the platform owes its users at an instant: credits bought or granted and not yet spent
 * (positive balances), what users owe it (negative balances: requests that cost more than their
 * holds), and credits held by requests in flight.
 */
export type Liability = { at: string; unspent_micros: number; owed_micros: number; holds_in_flight_micros: number };

// The sweeper expires a hold 15 minutes after it was placed; a hold open at an instant was placed
// well within this of it (older ones could survive only with no app process running for a day).
const HOLD_LOOKBACK_MS = 86_400_000;

export async function liabilityAt(db: Db, at: Date, now = new Date()): Promise<Liability> {
  if (at.getTime() >= now.getTime() - 1000) {
    // Now: the accounts' own balances (kept with every entry) say it directly.
    const [r] = await queryRows<{ unspent: string | null; owed: string | null; held: string | null }>(
      db,
      Prisma.sql`
      SELECT sum(GREATEST(balance_micros, 0))::int8 AS unspent, sum(GREATEST(-balance_micros, 0))::int8 AS owed,
             sum(reserved_micros)::int8 AS held FROM credit_accounts`,
    );
    return {
      at: now.toISOString(),
      unspent_micros: num(r?.unspent),
      owed_micros: num(r?.owed),
      holds_in_flight_micros: num(r?.held),
    };
  }
  // Then. The sum of all balances is the sum of every entry before the instant (daily rollups for
  // whole days). Only a CHARGE with a shortfall ever takes a balance below zero, so the accounts
  // that could owe at that instant are the few with such a charge before it: their balance after
  // their last entry before it says what they owed. Unspent = that sum + what was owed.
  const { rolled, raw } = splitRange({ from: new Date(0), to: at }, await rolledUntil(db));
  const [[net], [owed], [held]] = await Promise.all([
    queryRows<{ net: string | null }>(
      db,
      Prisma.sql`SELECT sum(amount_micros)::int8 AS net FROM (${ledgerSource(rolled, raw)}) l`,
    ),
    queryRows<{ owed: string | null }>(
      db,
      Prisma.sql`
      SELECT sum(GREATEST(-b, 0))::int8 AS owed FROM (
        SELECT (SELECT e.balance_after_micros FROM ledger_entries e WHERE e.account_id = d.account_id AND e.created_at < ${at}
                ORDER BY e.id DESC LIMIT 1) AS b
        FROM (SELECT DISTINCT account_id FROM ledger_entries WHERE shortfall_micros > 0 AND type = 'CHARGE' AND created_at < ${at}) d) x`,
    ),
    queryRows<{ held: string | null }>(
      db,
      Prisma.sql`
      SELECT sum(amount_micros)::int8 AS held FROM reservations
      WHERE created_at < ${at} AND created_at >= ${new Date(at.getTime() - HOLD_LOOKBACK_MS)} AND (closed_at IS NULL OR closed_at >= ${at})`,
    ),
  ]);
  const owedMicros = num(owed?.owed);
  return {
    at: at.toISOString(),
    unspent_micros: num(net?.net) + owedMicros,
    owed_micros: owedMicros,
    holds_in_flight_micros: num(held?.held),
  };
}
