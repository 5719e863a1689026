import type { Db } from "../db/client.ts";

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
    const [r] = await db.$queryRaw<{ unspent: bigint | null; owed: bigint | null; held: bigint | null }[]>`
      SELECT sum(GREATEST(balance_micros, 0))::bigint AS unspent, sum(GREATEST(-balance_micros, 0))::bigint AS owed,
             sum(reserved_micros)::bigint AS held FROM credit_accounts`;
    return { at: now.toISOString(), unspent_micros: Number(r?.unspent ?? 0), owed_micros: Number(r?.owed ?? 0), holds_in_flight_micros: Number(r?.held ?? 0) };
  }
  // Then: each account's balance after its last entry before the instant (one index probe per
  // account), and the holds placed before it and not yet closed at it.
  const [r] = await db.$queryRaw<{ unspent: bigint | null; owed: bigint | null }[]>`
    SELECT sum(GREATEST(b, 0))::bigint AS unspent, sum(GREATEST(-b, 0))::bigint AS owed FROM (
      SELECT (SELECT e.balance_after_micros FROM ledger_entries e WHERE e.account_id = a.id AND e.created_at < ${at}
              ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS b
      FROM credit_accounts a) x`;
  const [h] = await db.$queryRaw<{ held: bigint | null }[]>`
    SELECT sum(amount_micros)::bigint AS held FROM reservations
    WHERE created_at < ${at} AND created_at >= ${new Date(at.getTime() - HOLD_LOOKBACK_MS)} AND (closed_at IS NULL OR closed_at >= ${at})`;
  return { at: at.toISOString(), unspent_micros: Number(r?.unspent ?? 0), owed_micros: Number(r?.owed ?? 0), holds_in_flight_micros: Number(h?.held ?? 0) };
}
