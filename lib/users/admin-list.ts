import { z } from "zod";
import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { Role } from "../auth/roles.ts";
import { owedFromBalance } from "../ledger/receivables.ts";
import { microsToUsd, toMicros } from "../money/units.ts";
import { roleFieldSchema } from "./schemas.ts";
import { utcMonthStart } from "../ledger/ledger.ts";

/**
 * The admin Users list: one page of users with their money and activity, in one SQL statement.
 *
 * Pages follow (created_at, id), newest first: both are immutable, so a user is on exactly one
 * page however many users sign up while an admin walks the list (they appear on page one). The page is cut first and only
 * its rows are joined to the ledger and usage, so a page costs the same with 10 or 10,000 users
 * (the filter itself is a scan of `users`: an email substring cannot use a b-tree index anyway).
 *
 * last_active_at is the latest of the user's last gateway request (usage_logs, which the chat
 * playground writes too) and the last use of any of their gateway keys (api_keys.last_used_at,
 * written at most once a minute by any API call with the key). Sign-ins are not recorded, so a
 * user who only reads the dashboard shows no activity.
 */

const cursorSchema = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const decoded = decodeCursor(value);
    if (!decoded) {
      ctx.addIssue({ code: "custom", message: "is not a cursor" });
      return z.NEVER;
    }
    return decoded;
  });

// An empty parameter is what a form's "any" choice sends: it means no filter.
const blankAsAbsent = (v: unknown) => (v === "" ? undefined : v);

export const adminUsersQuerySchema = z.object({
  q: z.preprocess(blankAsAbsent, z.string().trim().max(254).optional()),
  role: z.preprocess(blankAsAbsent, roleFieldSchema.optional()),
  cursor: z.preprocess(blankAsAbsent, cursorSchema.optional()),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AdminUsersQuery = z.infer<typeof adminUsersQuerySchema>;

export type AdminUserRow = {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  created_at: string;
  balance_usd: number;
  /** CHARGE entries this calendar month (UTC), as the monthly budget counts them. */
  month_spend_usd: number;
  owed_usd: number;
  last_active_at: string | null;
};

type Cursor = { createdAt: Date; id: string };

function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString("base64url");
}

function decodeCursor(value: string): Cursor | null {
  const text = Buffer.from(value, "base64url").toString("utf8");
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([\w-]{1,64})$/.exec(text);
  if (!match) return null;
  const createdAt = new Date(match[1]!);
  return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id: match[2]! };
}

/** `%`, `_` and `\` in the search are literal characters of an email, not patterns. */
const likeSubstring = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

type Row = {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  created_at: Date;
  balance: bigint;
  month_spend: bigint;
  last_active_at: Date | null;
};

export async function adminUserList(
  db: Db,
  query: AdminUsersQuery,
  now = new Date(),
): Promise<{ data: AdminUserRow[]; next_cursor: string | null }> {
  const monthStart = utcMonthStart(now);
  const conditions = [Prisma.sql`TRUE`];
  if (query.q) conditions.push(Prisma.sql`email ILIKE ${likeSubstring(query.q)}`);
  if (query.role) conditions.push(Prisma.sql`role = ${query.role}::"Role"`);
  if (query.cursor)
    conditions.push(Prisma.sql`(created_at, id) < (${query.cursor.createdAt}::timestamp(3), ${query.cursor.id})`);

  const rows = await db.$queryRaw<Row[]>`
    WITH page AS (
      SELECT id, email, role, disabled, created_at FROM users
      WHERE ${Prisma.join(conditions, " AND ")}
      ORDER BY created_at DESC, id DESC
      LIMIT ${query.limit + 1}
    )
    SELECT p.id, p.email, p.role::text AS role, p.disabled, p.created_at,
      COALESCE(a.balance_micros, 0)::bigint AS balance,
      COALESCE(spend.total, 0)::bigint AS month_spend,
      GREATEST(gateway.last_at, key_use.last_at) AS last_active_at
    FROM page p
    LEFT JOIN credit_accounts a ON a.user_id = p.id
    LEFT JOIN LATERAL (
      SELECT -SUM(e.amount_micros) AS total FROM ledger_entries e
      WHERE e.account_id = a.id AND e.type = 'CHARGE' AND e.created_at >= ${monthStart}
    ) spend ON TRUE
    LEFT JOIN LATERAL (SELECT MAX(l.created_at) AS last_at FROM usage_logs l WHERE l.user_id = p.id) gateway ON TRUE
    LEFT JOIN LATERAL (SELECT MAX(k.last_used_at) AS last_at FROM api_keys k WHERE k.user_id = p.id) key_use ON TRUE
    ORDER BY p.created_at DESC, p.id DESC`;

  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map(rowView),
    next_cursor: rows.length > query.limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
  };
}

function rowView(r: Row): AdminUserRow {
  const balance = toMicros(r.balance);
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    disabled: r.disabled,
    created_at: r.created_at.toISOString(),
    balance_usd: microsToUsd(balance),
    month_spend_usd: microsToUsd(toMicros(r.month_spend)),
    owed_usd: microsToUsd(owedFromBalance(balance)),
    last_active_at: r.last_active_at?.toISOString() ?? null,
  };
}
