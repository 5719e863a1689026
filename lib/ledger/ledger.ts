import type { Db } from "../db/client.ts";
import { ApiError, conflict } from "../http/errors.ts";
import { toMicros } from "../money/units.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { int8, sqlRows } from "../db/sql.ts";
import { invalidateMoney } from "./money-cache.ts";
import { owedFromBalance } from "./receivables.ts";
import { usageInsertSql, type UsageValues } from "../gateway/usage-log.ts";
import { keyBudgetExhausted, type KeySpend } from "../keys/fences.ts";
import { DEFAULTS } from "../config/env.ts";

/**
 * The credit ledger. Entries are append-only integer micro-USD; `credit_accounts.balance_micros`
 * and `reserved_micros` are caches changed only in the same transaction as the entry or
 * reservation that justifies them, always by conditional UPDATEs (no read-then-write), so many
 * requests and many app processes can reserve from one account at once and no hold is ever
 * granted beyond the balance. The balance goes below zero in one way only: a request's real
 * cost exceeded its hold (the hold is a proven bound, so this means a provider billed more than
 * its own limits allow). The negative balance is then what the account owes — a receivable that
 * `verifyLedger` reports, that blocks paid models until repaid, and that the next purchase or
 * grant pays off first. Every other entry refuses to take a balance below zero.
 */

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export type EntryType = "PURCHASE" | "GRANT" | "CORRECTION" | "REFUND" | "CHARGE";

export const DEFAULT_HOLD_TTL_MS = DEFAULTS.SWITCHYARD_HOLD_TTL_MS;

async function ensureAccount(tx: Tx, userId: string): Promise<string> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO credit_accounts (id, user_id, updated_at) VALUES (gen_random_uuid()::text, ${userId}, now())
    ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id
    RETURNING id`;
  return rows[0]!.id;
}

/** The UTC month a charge made now belongs to, in SQL (timestamps are stored as UTC without zone). */
export const SQL_MONTH = `date_trunc('month', timezone('UTC', now()))`;
/** A key's spend counter as of now: last month's figure counts as 0. */
const KEY_SPEND = `(CASE WHEN k.spend_month = ${SQL_MONTH} THEN k.month_spend_micros ELSE 0 END)`;

/** `key`: the key's counters right after the hold (with `apiKeyId`). */
export type HoldResult = {
  availableMicros: number;
  balanceMicros: number;
  key?: { spentMicros: number; reservedMicros: number };
};

/** The hold statement: the credit hold and, for a key with a monthly limit, the key's part. */
function holdSql(withKey: boolean): string {
  const key = withKey
    ? `, kh AS (
       UPDATE api_keys k SET month_spend_micros = ${KEY_SPEND}, spend_month = ${SQL_MONTH},
              month_reserved_micros = k.month_reserved_micros + $3::int8
       WHERE k.id = $5 AND k.user_id = $2 AND EXISTS (SELECT 1 FROM held)
         AND (k.monthly_limit_micros IS NULL OR ${KEY_SPEND} + k.month_reserved_micros + $3::int8 <= k.monthly_limit_micros)
       RETURNING k.id, k.month_spend_micros, k.month_reserved_micros)`
    : "";
  return `WITH held AS (
       UPDATE credit_accounts SET reserved_micros = reserved_micros + $3::int8, updated_at = now()
       WHERE user_id = $2 AND balance_micros - reserved_micros >= $3::int8
       RETURNING id, balance_micros, reserved_micros
     )${key}, hold AS (
       INSERT INTO reservations (id, account_id, amount_micros, status, expires_at, created_at${withKey ? ", api_key_id" : ""})
       SELECT $1, id, $3::int8, 'HELD', now() + $4::int8 * interval '1 millisecond', now()${withKey ? ", (SELECT id FROM kh)" : ""} FROM held
     )
     SELECT balance_micros AS balance, reserved_micros AS reserved${withKey ? ", (SELECT id FROM kh) AS key_held, (SELECT month_spend_micros FROM kh) AS key_spent, (SELECT month_reserved_micros FROM kh) AS key_reserved" : ""} FROM held`;
}

/**
 * Holds `amountMicros` for a request, in one statement (one round trip, atomic on its own): the
 * conditional UPDATE succeeds only while balance − reserved covers the hold, and the reservation
 * row is written from its result. No account means a zero balance: nothing to hold from.
 * Throws 402 when it cannot. Returns what stays available after the hold.
 *
 * With `apiKeyId` (a key with a monthly limit), the same statement also counts the hold against
 * the key: a second conditional UPDATE on the key's row (spent this month + held + this hold ≤
 * limit), so concurrent requests of one key cannot overshoot its limit either. The credit hold is
 * taken first; when the key's part is refused, the hold is given back at once and the request
 * gets 402 key_budget_exhausted. Either way the books agree: a hold exists only as a reservation
 * row, and a key's held sum only with the key on its row.
 */
export async function reserve(
  db: Db,
  userId: string,
  requestId: string,
  amountMicros: number,
  ttlMs = DEFAULT_HOLD_TTL_MS,
  apiKeyId: string | null = null,
): Promise<HoldResult> {
  if (!Number.isSafeInteger(amountMicros) || amountMicros <= 0) throw new Error(`bad hold amount ${amountMicros}`);
  const withKey = apiKeyId !== null;
  const values: unknown[] = [requestId, userId, amountMicros, Math.round(ttlMs)];
  if (withKey) values.push(apiKeyId);
  const [row] = await sqlRows<{
    balance: string;
    reserved: string;
    key_held?: string | null;
    key_spent?: string;
    key_reserved?: string;
  }>(db, withKey ? "sy_hold_key" : "sy_hold", holdSql(withKey), values);
  if (!row) throw insufficientCredits();
  if (withKey && !row.key_held) {
    await releaseHold(db, requestId);
    const spend = await keySpend(db, apiKeyId);
    throw keyBudgetExhausted(spend ?? { limitMicros: 0, spentMicros: 0, reservedMicros: 0 }, nextUtcMonth());
  }
  const balance = int8(row.balance);
  const key = withKey ? { spentMicros: int8(row.key_spent), reservedMicros: int8(row.key_reserved) } : undefined;
  return { balanceMicros: balance, availableMicros: balance - int8(row.reserved), key };
}

const insufficientCredits = () => new ApiError(402, "insufficient_credits", "Not enough credits for this request");

/**
 * Gives back a hold the key's limit refused, as if it had never been taken: the row goes (a
 * retry of the request may hold again under its id). A crash before this leaves the row HELD,
 * which the sweeper expires like any other.
 */
async function releaseHold(db: Db, requestId: string): Promise<void> {
  await sqlRows(
    db,
    "sy_release",
    `WITH r AS (
       DELETE FROM reservations WHERE id = $1 AND status = 'HELD'
       RETURNING account_id, amount_micros, api_key_id
     ), k AS (
       UPDATE api_keys k SET month_reserved_micros = k.month_reserved_micros - r.amount_micros FROM r WHERE k.id = r.api_key_id
     )
     UPDATE credit_accounts a SET reserved_micros = a.reserved_micros - r.amount_micros, updated_at = now() FROM r WHERE a.id = r.account_id`,
    [requestId],
  );
}

/** A key's limit and what counts against it now (null: no such key, or no limit). */
export async function keySpend(db: Db, apiKeyId: string): Promise<KeySpend | null> {
  const [row] = await sqlRows<{ limit: string | null; spent: string; reserved: string }>(
    db,
    "sy_key_spend",
    `SELECT k.monthly_limit_micros AS limit, ${KEY_SPEND} AS spent, k.month_reserved_micros AS reserved FROM api_keys k WHERE k.id = $1`,
    [apiKeyId],
  );
  if (!row || row.limit === null) return null;
  return { limitMicros: int8(row.limit), spentMicros: int8(row.spent), reservedMicros: int8(row.reserved) };
}

export function nextUtcMonth(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

export type SettleResult = {
  chargedMicros: number;
  balanceMicros: number;
  availableMicros: number;
  settledAt: Date;
  /** How much of this charge the balance did not cover: newly owed. */
  shortfallMicros: number;
};

/** formatMicros in SQL, for the shortfall note written in the same statement as the charge. */
const SQL_USD = (micros: string) =>
  `'$' || rtrim(rtrim(to_char((${micros})::numeric / 1000000, 'FM999999999999990.000000'), '0'), '.')`;

/**
 * Closes the request's hold and charges its real cost, once, in one statement (one round trip):
 * the HELD→SETTLED transition and the entry's unique idempotency key make a repeated or racing
 * settle a no-op. The whole cost is charged, never capped: what the balance does not cover
 * becomes a negative balance (owed), named in the entry's reference. A hold the sweeper already
 * expired is still charged, since the tokens were produced.
 */
export async function settle(
  db: Db,
  userId: string,
  requestId: string,
  chargeMicros: number,
  reference: string,
  usage?: UsageValues,
  apiKeyId: string | null = null,
): Promise<SettleResult> {
  if (!Number.isSafeInteger(chargeMicros) || chargeMicros < 0) throw new Error(`bad charge ${chargeMicros}`);
  const idempotencyKey = `charge:${requestId}`;
  const once = (charge: number) =>
    settleOnce(db, [requestId, userId, idempotencyKey, charge, reference, apiKeyId], usage);
  try {
    const row = await once(chargeMicros);
    if (row) return row;
    // No account yet (a charge without any hold): create it, then settle as usual.
    await db.$transaction((tx) => ensureAccount(tx, userId));
    return (await once(chargeMicros))!;
  } catch (err) {
    // A racing settle of the same request committed its charge first: ours is the no-op it must be.
    if (!isUniqueViolation(err)) throw err;
    return once(0).then((r) => r!);
  }
}

const SHORTFALL_NOTE = `' (cost ' || ${SQL_USD("c.amt")} || ' exceeded the hold of ' || ${SQL_USD("c.held")} || '; ' || ${SQL_USD("c.shortfall")} || ' not covered by the balance is owed)'`;

const SETTLE_CTES = `WITH closed AS (
       UPDATE reservations r SET status = 'SETTLED', closed_at = now()
       FROM credit_accounts a
       WHERE r.id = $1 AND r.account_id = a.id AND a.user_id = $2 AND r.status = 'HELD'
       RETURNING r.amount_micros, r.api_key_id
     ), prior AS (
       SELECT 1 FROM ledger_entries WHERE idempotency_key = $3
     ), amt AS (
       SELECT CASE WHEN EXISTS (SELECT 1 FROM prior) THEN 0 ELSE $4::int8 END AS amt,
              COALESCE((SELECT amount_micros FROM closed), 0)::int8 AS held
     ), upd AS (
       UPDATE credit_accounts SET balance_micros = balance_micros - (SELECT amt FROM amt),
              reserved_micros = reserved_micros - (SELECT held FROM amt), updated_at = now()
       WHERE user_id = $2
       RETURNING id, balance_micros, reserved_micros, updated_at
     ), c AS (
       SELECT upd.*, amt.amt, amt.held,
              (GREATEST(0, -upd.balance_micros) - GREATEST(0, -(upd.balance_micros + amt.amt)))::int8 AS shortfall
       FROM upd, amt
     ), entry AS (
       INSERT INTO ledger_entries (account_id, type, amount_micros, balance_after_micros, reference, idempotency_key, shortfall_micros, created_at)
       SELECT c.id, 'CHARGE'::"LedgerEntryType", -c.amt, c.balance_micros,
              $5 || CASE WHEN c.shortfall > 0 THEN ${SHORTFALL_NOTE} ELSE '' END, $3, c.shortfall, c.updated_at
       FROM c WHERE c.amt > 0
     ), key_spend AS (
       UPDATE api_keys k SET month_spend_micros = ${KEY_SPEND} + c.amt, spend_month = ${SQL_MONTH},
              month_reserved_micros = k.month_reserved_micros - COALESCE((SELECT amount_micros FROM closed WHERE api_key_id = k.id), 0)
       FROM c WHERE k.id = $6 AND k.user_id = $2 AND (k.monthly_limit_micros IS NOT NULL OR k.month_reserved_micros <> 0)
     )`;

const SETTLE_RESULT = `SELECT amt::text AS charged, balance_micros::text AS balance, reserved_micros::text AS reserved,
            to_char(updated_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, shortfall::text AS shortfall FROM c`;

/**
 * With `usage`, the request's usage row is written by the same statement, stamped with the
 * charge's own time and amount: usage totals match the ledger to the micro-dollar, and a settle
 * replayed after a crash (lib/ledger/settlements.ts) writes neither twice.
 */
async function settleOnce(
  db: Db,
  base: [string, string, string, number, string, string | null],
  usage?: UsageValues,
): Promise<SettleResult | null> {
  let rows: { charged: string; balance: string; reserved: string; at: string; shortfall: string }[];
  if (usage) {
    const { columns, select } = usageInsertSql(base.length + 1);
    rows = await sqlRows(
      db,
      "sy_settle_usage",
      `${SETTLE_CTES}, usage AS (
         INSERT INTO usage_logs (${columns}, charged_micros, created_at)
         SELECT ${select}, c.amt, c.updated_at FROM c
         ON CONFLICT (id) DO NOTHING
       )
       ${SETTLE_RESULT}`,
      [...base, ...usage],
    );
  } else {
    rows = await sqlRows(db, "sy_settle", `${SETTLE_CTES} ${SETTLE_RESULT}`, base);
  }
  const r = rows[0];
  if (!r) return null;
  const balance = int8(r.balance);
  return {
    chargedMicros: int8(r.charged),
    balanceMicros: balance,
    availableMicros: balance - int8(r.reserved),
    settledAt: new Date(r.at),
    shortfallMicros: int8(r.shortfall),
  };
}

export type PostEntry = {
  userId: string;
  type: Exclude<EntryType, "CHARGE">;
  amountMicros: number;
  reference: string;
  /** A refund only partly taken back from spent credits: the part that was not. */
  shortfallMicros?: number;
  actorUserId?: string | null;
  /** Makes the entry count once (e.g. "stripe-session:cs_123"). A repeat returns the first entry. */
  idempotencyKey?: string | null;
};

export type PostedEntry = { id: bigint; balanceAfterMicros: number; duplicate: boolean };

/**
 * Purchases, grants, refunds and corrections. Negative amounts may not take the balance below
 * zero (409); positive ones always post, paying off what is owed first. With an idempotency key the same fact is posted at most once, even when callers race.
 */
export async function postEntry(db: Db, e: PostEntry): Promise<PostedEntry> {
  if (!Number.isSafeInteger(e.amountMicros) || e.amountMicros === 0)
    throw new ApiError(400, "invalid_amount", "amount must be a non-zero whole number of micro-dollars");
  try {
    const posted = await db.$transaction((tx) => postEntryInTx(tx, e));
    invalidateMoney(e.userId);
    return posted;
  } catch (err) {
    // Two posts of the same fact raced past the lookup: the unique key let one in; report the winner.
    if (isUniqueViolation(err) && e.idempotencyKey) {
      const existing = await db.ledgerEntry.findUnique({
        where: { idempotencyKey: e.idempotencyKey },
        select: { id: true, balanceAfterMicros: true },
      });
      if (existing)
        return { id: existing.id, balanceAfterMicros: toMicros(existing.balanceAfterMicros), duplicate: true };
    }
    throw err;
  }
}

/** postEntry inside a caller's transaction (e.g. together with the Stripe event that justifies it). */
export async function postEntryInTx(tx: Tx, e: PostEntry): Promise<PostedEntry> {
  if (e.idempotencyKey) {
    const existing = await tx.ledgerEntry.findUnique({
      where: { idempotencyKey: e.idempotencyKey },
      select: { id: true, balanceAfterMicros: true },
    });
    if (existing)
      return { id: existing.id, balanceAfterMicros: toMicros(existing.balanceAfterMicros), duplicate: true };
  }
  const accountId = await ensureAccount(tx, e.userId);
  const rows = await tx.$queryRaw<{ balance: bigint }[]>`
    UPDATE credit_accounts SET balance_micros = balance_micros + ${e.amountMicros}::bigint, updated_at = now()
    WHERE id = ${accountId} AND (${e.amountMicros}::bigint > 0 OR balance_micros + ${e.amountMicros}::bigint >= 0)
    RETURNING balance_micros AS balance`;
  if (!rows[0]) throw conflict("This would take the balance below zero", "amount_usd");
  const entry = await tx.ledgerEntry.create({
    data: {
      accountId,
      type: e.type,
      amountMicros: BigInt(e.amountMicros),
      balanceAfterMicros: rows[0].balance,
      reference: e.reference,
      actorUserId: e.actorUserId ?? null,
      idempotencyKey: e.idempotencyKey ?? null,
      shortfallMicros: BigInt(e.shortfallMicros ?? 0),
    },
    select: { id: true, balanceAfterMicros: true },
  });
  return { id: entry.id, balanceAfterMicros: toMicros(entry.balanceAfterMicros), duplicate: false };
}

export type { Tx };

/** Releases holds of requests that died (process killed mid-request), so no credit stays stuck. */
export async function sweepExpiredHolds(db: Db, now = new Date()): Promise<number> {
  const expired = await db.reservation.findMany({
    where: { status: "HELD", expiresAt: { lt: now } },
    select: { id: true },
    take: 500,
  });
  let released = 0;
  for (const { id } of expired) {
    released += await db.$transaction(async (tx) => {
      const closed = await tx.$queryRaw<{ account_id: string; amount_micros: bigint; api_key_id: string | null }[]>`
        UPDATE reservations SET status = 'EXPIRED', closed_at = now() WHERE id = ${id} AND status = 'HELD' RETURNING account_id, amount_micros, api_key_id`;
      if (!closed[0]) return 0;
      await tx.$executeRaw`UPDATE credit_accounts SET reserved_micros = reserved_micros - ${closed[0].amount_micros}, updated_at = now() WHERE id = ${closed[0].account_id}`;
      if (closed[0].api_key_id)
        await tx.$executeRaw`UPDATE api_keys SET month_reserved_micros = month_reserved_micros - ${closed[0].amount_micros} WHERE id = ${closed[0].api_key_id}`;
      return 1;
    });
  }
  return released;
}

export type Balance = { balanceMicros: number; reservedMicros: number; availableMicros: number };

export async function getBalance(db: Db, userId: string): Promise<Balance> {
  const a = await db.creditAccount.findUnique({
    where: { userId },
    select: { balanceMicros: true, reservedMicros: true },
  });
  const balance = a ? toMicros(a.balanceMicros) : 0;
  const reserved = a ? toMicros(a.reservedMicros) : 0;
  return { balanceMicros: balance, reservedMicros: reserved, availableMicros: balance - reserved };
}

/** The first instant of `now`'s calendar month in UTC: budgets and "this month" everywhere. */
export function utcMonthStart(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Settled charges this calendar month (UTC), as a positive number. */
export async function monthSpend(db: Db, userId: string, now = new Date()): Promise<number> {
  const monthStart = utcMonthStart(now);
  const rows = await db.$queryRaw<{ spend: bigint | null }[]>`
    SELECT -COALESCE(SUM(e.amount_micros), 0)::bigint AS spend
    FROM ledger_entries e JOIN credit_accounts a ON a.id = e.account_id
    WHERE a.user_id = ${userId} AND e.type = 'CHARGE' AND e.created_at >= ${monthStart}`;
  return toMicros(rows[0]?.spend ?? 0n);
}

export type LedgerMismatch = { accountId: string; userId: string; problem: string };
/** An account whose requests cost more than its holds and balance: what it owes the platform. */
export type Receivable = { accountId: string; userId: string; owedMicros: number };

/**
 * Recomputes every account from its entries: the balance equals the sum of entries, every
 * entry's balance_after is the running sum, only a CHARGE ever takes a balance below zero (or
 * deeper), and reserved equals the sum of HELD reservations. Negative balances are listed as
 * receivables: not an error of the books, but money owed that finance must see.
 */
export async function verifyLedger(
  db: Db,
): Promise<{ accounts: number; entries: number; mismatches: LedgerMismatch[]; receivables: Receivable[] }> {
  const accounts = await db.creditAccount.findMany({
    select: { id: true, userId: true, balanceMicros: true, reservedMicros: true },
  });
  const mismatches: LedgerMismatch[] = [];
  const receivables: Receivable[] = [];
  let entries = 0;
  for (const a of accounts) {
    const rows = await db.ledgerEntry.findMany({
      where: { accountId: a.id },
      orderBy: { id: "asc" },
      select: { id: true, type: true, amountMicros: true, balanceAfterMicros: true },
    });
    entries += rows.length;
    let running = 0n;
    for (const r of rows) {
      const previous = running;
      running += r.amountMicros;
      if (r.balanceAfterMicros !== running)
        mismatches.push({
          accountId: a.id,
          userId: a.userId,
          problem: `entry ${r.id}: balance_after ${r.balanceAfterMicros} but running sum is ${running}`,
        });
      if (running < 0n && running < previous && r.type !== "CHARGE")
        mismatches.push({
          accountId: a.id,
          userId: a.userId,
          problem: `entry ${r.id}: a ${r.type} took the balance below zero (${running})`,
        });
    }
    if (a.balanceMicros < 0n)
      receivables.push({ accountId: a.id, userId: a.userId, owedMicros: owedFromBalance(toMicros(a.balanceMicros)) });
    if (running !== a.balanceMicros)
      mismatches.push({
        accountId: a.id,
        userId: a.userId,
        problem: `balance ${a.balanceMicros} but entries sum to ${running}`,
      });
    const held = await db.reservation.aggregate({
      where: { accountId: a.id, status: "HELD" },
      _sum: { amountMicros: true },
    });
    const heldSum = held._sum.amountMicros ?? 0n;
    if (heldSum !== a.reservedMicros)
      mismatches.push({
        accountId: a.id,
        userId: a.userId,
        problem: `reserved ${a.reservedMicros} but HELD reservations sum to ${heldSum}`,
      });
  }
  mismatches.push(...(await verifyKeyCounters(db)));
  return { accounts: accounts.length, entries, mismatches, receivables };
}

/**
 * Sets every key's spend this month from this month's usage rows (what the key_fences migration
 * did once): for data written around the settle statement, such as the demo data generator's.
 */
export async function recountKeySpend(
  db: Pick<Db, "$executeRawUnsafe">,
  apiKeyId: string | null = null,
): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE api_keys k SET spend_month = ${SQL_MONTH}, month_spend_micros = COALESCE(m.charged, 0)
     FROM api_keys k2 LEFT JOIN (SELECT api_key_id, SUM(charged_micros)::int8 AS charged FROM usage_logs
                                 WHERE created_at >= ${SQL_MONTH} AND api_key_id IS NOT NULL ${apiKeyId ? "AND api_key_id = $1" : ""} GROUP BY api_key_id) m ON m.api_key_id = k2.id
     WHERE k.id = k2.id ${apiKeyId ? "AND k.id = $1" : ""}`,
    ...(apiKeyId ? [apiKeyId] : []),
  );
}

/**
 * Each gateway key's counters against the rows they summarise: held = its HELD reservations,
 * spent this month = this month's charges of its requests (usage rows carry the charge's time).
 * The spend counter is kept only for keys with a monthly limit (a settle of an unlimited key's
 * request does not touch the key's row: one row lock less on the hot path).
 */
async function verifyKeyCounters(db: Db): Promise<LedgerMismatch[]> {
  const rows = await db.$queryRawUnsafe<
    { id: string; user_id: string; reserved: bigint; held: bigint; spent: bigint; charged: bigint; limited: boolean }[]
  >(`
    SELECT k.id, k.user_id, k.month_reserved_micros AS reserved, k.monthly_limit_micros IS NOT NULL AS limited,
           COALESCE((SELECT SUM(r.amount_micros) FROM reservations r WHERE r.api_key_id = k.id AND r.status = 'HELD'), 0)::int8 AS held,
           (CASE WHEN k.spend_month = ${SQL_MONTH} THEN k.month_spend_micros ELSE 0 END)::int8 AS spent,
           COALESCE(m.charged, 0)::int8 AS charged
    FROM api_keys k
    LEFT JOIN (SELECT api_key_id, SUM(charged_micros) AS charged FROM usage_logs
               WHERE created_at >= ${SQL_MONTH} AND api_key_id IS NOT NULL GROUP BY api_key_id) m ON m.api_key_id = k.id
    WHERE k.month_reserved_micros <> 0 OR k.monthly_limit_micros IS NOT NULL`);
  const out: LedgerMismatch[] = [];
  for (const r of rows) {
    if (r.reserved !== r.held)
      out.push({
        accountId: "-",
        userId: r.user_id,
        problem: `API key ${r.id}: holds counted ${r.reserved} but its HELD reservations sum to ${r.held}`,
      });
    if (r.spent !== r.charged && r.limited)
      out.push({
        accountId: "-",
        userId: r.user_id,
        problem: `API key ${r.id}: spend this month ${r.spent} but its requests were charged ${r.charged}`,
      });
  }
  return out;
}
