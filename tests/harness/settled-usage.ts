// A request's usage row with what the ledger took for it, once its settle has been written (the
// gateway settles after the reply's last byte, so a test reads the books a moment later).
import { sql } from "../setup/test-db.ts";

export type SettledUsage = {
  id: string;
  api: string;
  status: string;
  provider_slug: string;
  model_name: string;
  prompt_tokens: number;
  completion_tokens: number;
  stream: boolean;
  fallback_count: number;
  /** usage_logs.charged_micros */
  charged: string;
  /** What the ledger's charge entries for the request add up to (null: none). */
  ledger: string | null;
  /** How many charge entries the ledger holds for the request (exactly-once: 0 or 1). */
  charges: string;
  /** The request's credit hold, if one was placed. */
  hold: string | null;
};

const COLUMNS = `u.id, u.api, u.status, u.provider_slug, u.model_name, u.prompt_tokens, u.completion_tokens, u.stream, u.fallback_count,
  u.charged_micros::text AS charged,
  (SELECT (-sum(amount_micros))::text FROM ledger_entries WHERE idempotency_key = 'charge:' || u.id) AS ledger,
  (SELECT count(*)::text FROM ledger_entries WHERE idempotency_key = 'charge:' || u.id) AS charges,
  (SELECT status::text FROM reservations WHERE id = u.id) AS hold`;

/** Settled: the row exists and the ledger charged it (or nothing was charged). */
const isSettled = (r: SettledUsage | undefined): r is SettledUsage =>
  r !== undefined && (r.ledger !== null || r.charged === "0");

async function poll<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`${what} never settled`);
}

export function settledUsage(url: string, requestId: string): Promise<SettledUsage> {
  return poll(`request ${requestId}`, async () => {
    const [row] = await sql<SettledUsage>(url, `SELECT ${COLUMNS} FROM usage_logs u WHERE u.id = $1`, [requestId]);
    return isSettled(row) ? row : undefined;
  });
}

/** The user's newest `n` requests, newest first, once all are settled. */
export function latestUsage(url: string, userId: string, n: number): Promise<SettledUsage[]> {
  return poll(`the newest ${n} requests of ${userId}`, async () => {
    const rows = await sql<SettledUsage>(
      url,
      `SELECT ${COLUMNS} FROM usage_logs u WHERE u.user_id = $1 ORDER BY u.created_at DESC LIMIT $2`,
      [userId, n],
    );
    return rows.length === n && rows.every(isSettled) ? rows : undefined;
  });
}
