import type { Db } from "../db/client.ts";
import { ApiError, conflict } from "../http/errors.ts";
import { toMicros } from "../money/units.ts";
import { formatMicros } from "../router/cost.ts";

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

export const DEFAULT_HOLD_TTL_MS = 15 * 60_000;

async function ensureAccount(tx: Tx, userId: string): Promise<string> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO credit_accounts (id, user_id, updated_at) VALUES (gen_random_uuid()::text, ${userId}, now())
    ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id
    RETURNING id`;
  return rows[0]!.id;
}

/**
 * Holds `amountMicros` for a request. One conditional UPDATE decides: it succeeds only while
 * balance − reserved covers the hold. Throws 402 when it cannot.
 */
export async function reserve(db: Db, userId: string, requestId: string, amountMicros: number, ttlMs = DEFAULT_HOLD_TTL_MS): Promise<void> {
  if (!Number.isSafeInteger(amountMicros) || amountMicros <= 0) throw new Error(`bad hold amount ${amountMicros}`);
  await db.$transaction(async (tx) => {
    const accountId = await ensureAccount(tx, userId);
    const updated = await tx.$executeRaw`
      UPDATE credit_accounts SET reserved_micros = reserved_micros + ${amountMicros}, updated_at = now()
      WHERE id = ${accountId} AND balance_micros - reserved_micros >= ${amountMicros}`;
    if (updated !== 1) throw new ApiError(402, "insufficient_credits", "Not enough credits for this request");
    await tx.reservation.create({ data: { id: requestId, accountId, amountMicros: BigInt(amountMicros), expiresAt: new Date(Date.now() + ttlMs) } });
  });
}

export type SettleResult = {
  chargedMicros: number;
  balanceMicros: number;
  availableMicros: number;
  settledAt: Date;
  /** How much of this charge the balance did not cover: newly owed. */
  shortfallMicros: number;
};

/**
 * Closes the request's hold and charges its real cost, once: the HELD→SETTLED transition and the
 * entry's idempotency key make a repeated settle a no-op. The whole cost is charged, never capped:
 * what the balance does not cover becomes a negative balance (owed), named in the entry's
 * reference. A hold the sweeper already expired is still charged, since the tokens were produced.
 */
export async function settle(db: Db, userId: string, requestId: string, chargeMicros: number, reference: string): Promise<SettleResult> {
  if (!Number.isSafeInteger(chargeMicros) || chargeMicros < 0) throw new Error(`bad charge ${chargeMicros}`);
  return db.$transaction(async (tx) => {
    const accountId = await ensureAccount(tx, userId);
    const idempotencyKey = `charge:${requestId}`;
    const closed = await tx.$queryRaw<{ amount_micros: bigint }[]>`
      UPDATE reservations SET status = 'SETTLED', closed_at = now()
      WHERE id = ${requestId} AND account_id = ${accountId} AND status = 'HELD'
      RETURNING amount_micros`;
    const held = closed[0] ? toMicros(closed[0].amount_micros) : 0;
    const alreadyCharged = !closed[0] && (await tx.ledgerEntry.findUnique({ where: { idempotencyKey }, select: { id: true } })) !== null;
    const charge = alreadyCharged ? 0 : chargeMicros;
    const rows = await tx.$queryRaw<{ balance: bigint; reserved: bigint; at: Date }[]>`
      UPDATE credit_accounts
      SET balance_micros = balance_micros - ${charge}::bigint,
          reserved_micros = reserved_micros - ${held}::bigint,
          updated_at = now()
      WHERE id = ${accountId}
      RETURNING balance_micros AS balance, reserved_micros AS reserved, updated_at AS at`;
    const row = rows[0]!;
    const balance = toMicros(row.balance);
    const before = balance + charge;
    const shortfall = Math.max(0, -balance) - Math.max(0, -before);
    if (charge > 0) {
      const note = shortfall > 0 ? ` (cost ${formatMicros(charge)} exceeded the hold of ${formatMicros(held)}; ${formatMicros(shortfall)} not covered by the balance is owed)` : "";
      await tx.ledgerEntry.create({
        data: { accountId, type: "CHARGE", amountMicros: BigInt(-charge), balanceAfterMicros: BigInt(balance), reference: reference + note, idempotencyKey, createdAt: row.at },
      });
    }
    return { chargedMicros: charge, balanceMicros: balance, availableMicros: balance - toMicros(row.reserved), settledAt: row.at, shortfallMicros: shortfall };
  });
}

export type PostEntry = {
  userId: string;
  type: Exclude<EntryType, "CHARGE">;
  amountMicros: number;
  reference: string;
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
  if (!Number.isSafeInteger(e.amountMicros) || e.amountMicros === 0) throw new ApiError(400, "invalid_amount", "amount must be a non-zero whole number of micro-dollars");
  try {
    return await db.$transaction((tx) => postEntryInTx(tx, e));
  } catch (err) {
    // Two posts of the same fact raced past the lookup: the unique key let one in; report the winner.
    if ((err as { code?: string }).code === "P2002" && e.idempotencyKey) {
      const existing = await db.ledgerEntry.findUnique({ where: { idempotencyKey: e.idempotencyKey }, select: { id: true, balanceAfterMicros: true } });
      if (existing) return { id: existing.id, balanceAfterMicros: toMicros(existing.balanceAfterMicros), duplicate: true };
    }
    throw err;
  }
}

/** postEntry inside a caller's transaction (e.g. together with the Stripe event that justifies it). */
export async function postEntryInTx(tx: Tx, e: PostEntry): Promise<PostedEntry> {
  if (e.idempotencyKey) {
    const existing = await tx.ledgerEntry.findUnique({ where: { idempotencyKey: e.idempotencyKey }, select: { id: true, balanceAfterMicros: true } });
    if (existing) return { id: existing.id, balanceAfterMicros: toMicros(existing.balanceAfterMicros), duplicate: true };
  }
  const accountId = await ensureAccount(tx, e.userId);
  const rows = await tx.$queryRaw<{ balance: bigint }[]>`
    UPDATE credit_accounts SET balance_micros = balance_micros + ${e.amountMicros}::bigint, updated_at = now()
    WHERE id = ${accountId} AND (${e.amountMicros}::bigint > 0 OR balance_micros + ${e.amountMicros}::bigint >= 0)
    RETURNING balance_micros AS balance`;
  if (!rows[0]) throw conflict("This would take the balance below zero", "amount_usd");
  const entry = await tx.ledgerEntry.create({
    data: {
      accountId, type: e.type, amountMicros: BigInt(e.amountMicros), balanceAfterMicros: rows[0].balance,
      reference: e.reference, actorUserId: e.actorUserId ?? null, idempotencyKey: e.idempotencyKey ?? null,
    },
    select: { id: true, balanceAfterMicros: true },
  });
  return { id: entry.id, balanceAfterMicros: toMicros(entry.balanceAfterMicros), duplicate: false };
}

export type { Tx };

/** Releases holds of requests that died (process killed mid-request), so no credit stays stuck. */
export async function sweepExpiredHolds(db: Db, now = new Date()): Promise<number> {
  const expired = await db.reservation.findMany({ where: { status: "HELD", expiresAt: { lt: now } }, select: { id: true }, take: 500 });
  let released = 0;
  for (const { id } of expired) {
    released += await db.$transaction(async (tx) => {
      const closed = await tx.$queryRaw<{ account_id: string; amount_micros: bigint }[]>`
        UPDATE reservations SET status = 'EXPIRED', closed_at = now() WHERE id = ${id} AND status = 'HELD' RETURNING account_id, amount_micros`;
      if (!closed[0]) return 0;
      await tx.$executeRaw`UPDATE credit_accounts SET reserved_micros = reserved_micros - ${closed[0].amount_micros}, updated_at = now() WHERE id = ${closed[0].account_id}`;
      return 1;
    });
  }
  return released;
}

export type Balance = { balanceMicros: number; reservedMicros: number; availableMicros: number };

export async function getBalance(db: Db, userId: string): Promise<Balance> {
  const a = await db.creditAccount.findUnique({ where: { userId }, select: { balanceMicros: true, reservedMicros: true } });
  const balance = a ? toMicros(a.balanceMicros) : 0;
  const reserved = a ? toMicros(a.reservedMicros) : 0;
  return { balanceMicros: balance, reservedMicros: reserved, availableMicros: balance - reserved };
}

/** Settled charges this calendar month (UTC), as a positive number. */
export async function monthSpend(db: Db, userId: string, now = new Date()): Promise<number> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
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
export async function verifyLedger(db: Db): Promise<{ accounts: number; entries: number; mismatches: LedgerMismatch[]; receivables: Receivable[] }> {
  const accounts = await db.creditAccount.findMany({ select: { id: true, userId: true, balanceMicros: true, reservedMicros: true } });
  const mismatches: LedgerMismatch[] = [];
  const receivables: Receivable[] = [];
  let entries = 0;
  for (const a of accounts) {
    const rows = await db.ledgerEntry.findMany({ where: { accountId: a.id }, orderBy: { id: "asc" }, select: { id: true, type: true, amountMicros: true, balanceAfterMicros: true } });
    entries += rows.length;
    let running = 0n;
    for (const r of rows) {
      const previous = running;
      running += r.amountMicros;
      if (r.balanceAfterMicros !== running) mismatches.push({ accountId: a.id, userId: a.userId, problem: `entry ${r.id}: balance_after ${r.balanceAfterMicros} but running sum is ${running}` });
      if (running < 0n && running < previous && r.type !== "CHARGE") mismatches.push({ accountId: a.id, userId: a.userId, problem: `entry ${r.id}: a ${r.type} took the balance below zero (${running})` });
    }
    if (a.balanceMicros < 0n) receivables.push({ accountId: a.id, userId: a.userId, owedMicros: toMicros(-a.balanceMicros) });
    if (running !== a.balanceMicros) mismatches.push({ accountId: a.id, userId: a.userId, problem: `balance ${a.balanceMicros} but entries sum to ${running}` });
    const held = await db.reservation.aggregate({ where: { accountId: a.id, status: "HELD" }, _sum: { amountMicros: true } });
    const heldSum = held._sum.amountMicros ?? 0n;
    if (heldSum !== a.reservedMicros) mismatches.push({ accountId: a.id, userId: a.userId, problem: `reserved ${a.reservedMicros} but HELD reservations sum to ${heldSum}` });
  }
  return { accounts: accounts.length, entries, mismatches, receivables };
}
