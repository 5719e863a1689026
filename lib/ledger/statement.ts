import { z } from "zod";
import type { Db } from "../db/client.ts";
import { microsToUsd, toMicros } from "../money/units.ts";
import { getBalance, monthSpend } from "./ledger.ts";

export const statementQuerySchema = z.object({
  // Ledger ids are bigint: a larger number is no cursor this API handed out (and no valid bigint).
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, "is not a cursor")
    .refine((v) => /^\d{1,19}$/.test(v) && BigInt(v) <= 9_223_372_036_854_775_807n, "is not a cursor")
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export async function creditsSummary(db: Db, userId: string) {
  const [balance, settings, spend] = await Promise.all([
    getBalance(db, userId),
    db.userSettings.findUnique({ where: { userId }, select: { monthlyBudgetMicros: true } }),
    monthSpend(db, userId),
  ]);
  return {
    balance_usd: microsToUsd(balance.balanceMicros),
    reserved_usd: microsToUsd(balance.reservedMicros),
    available_usd: microsToUsd(Math.max(0, balance.availableMicros)),
    monthly_budget_usd:
      settings?.monthlyBudgetMicros == null ? null : microsToUsd(toMicros(settings.monthlyBudgetMicros)),
    month_spend_usd: microsToUsd(spend),
  };
}

export type StatementRow = {
  id: string;
  type: string;
  amount_usd: number;
  balance_after_usd: number;
  reference: string;
  created_at: string;
};

function rowView(r: {
  id: bigint;
  type: string;
  amountMicros: bigint;
  balanceAfterMicros: bigint;
  reference: string;
  createdAt: Date;
}): StatementRow {
  return {
    id: r.id.toString(),
    type: r.type,
    amount_usd: microsToUsd(toMicros(r.amountMicros)),
    balance_after_usd: microsToUsd(toMicros(r.balanceAfterMicros)),
    reference: r.reference,
    created_at: r.createdAt.toISOString(),
  };
}

/** Newest first; the cursor is the last id seen (ids only grow, so pages never shift). */
export async function statement(
  db: Db,
  userId: string,
  q: z.infer<typeof statementQuerySchema>,
): Promise<{ data: StatementRow[]; next_cursor: string | null }> {
  const account = await db.creditAccount.findUnique({ where: { userId }, select: { id: true } });
  if (!account) return { data: [], next_cursor: null };
  const rows = await db.ledgerEntry.findMany({
    where: { accountId: account.id, ...(q.cursor ? { id: { lt: BigInt(q.cursor) } } : {}) },
    orderBy: { id: "desc" },
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return {
    data: page.map(rowView),
    next_cursor: rows.length > q.limit ? page.at(-1)!.id.toString() : null,
  };
}

/** Every entry of the account, oldest first, a page at a time, for the CSV export. */
export async function* statementRows(db: Db, userId: string): AsyncGenerator<StatementRow> {
  const account = await db.creditAccount.findUnique({ where: { userId }, select: { id: true } });
  if (!account) return;
  let after: bigint | undefined;
  for (;;) {
    const rows = await db.ledgerEntry.findMany({
      where: { accountId: account.id, ...(after !== undefined ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: 500,
    });
    yield* rows.map(rowView);
    if (rows.length < 500) return;
    after = rows.at(-1)!.id;
  }
}

/** Whether a checkout session has been credited to this user (by the webhook) yet. */
export async function purchaseStatus(db: Db, userId: string, sessionId: string) {
  const entry = await db.ledgerEntry.findFirst({
    where: { idempotencyKey: `stripe-session:${sessionId}`, account: { userId } },
    select: { amountMicros: true, createdAt: true },
  });
  const credits = await creditsSummary(db, userId);
  return entry
    ? {
        status: "credited" as const,
        amount_usd: microsToUsd(toMicros(entry.amountMicros)),
        credited_at: entry.createdAt.toISOString(),
        balance_usd: credits.balance_usd,
      }
    : { status: "pending" as const, amount_usd: null, credited_at: null, balance_usd: credits.balance_usd };
}
