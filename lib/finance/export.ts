import { z } from "zod";
import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { microsToUsd } from "../money/units.ts";
import { num, queryRows } from "./query.ts";
import { financeRangeSchema, type Range } from "./range.ts";

export const financeExportQuerySchema = financeRangeSchema.extend({ kind: z.enum(["usage", "ledger", "purchases"]) });
export type ExportKind = z.infer<typeof financeExportQuerySchema>["kind"];

// Large enough that a million rows are a thousand queries, small enough that a page is a few MB.
const PAGE = 1000;

// The keyset: the row's own created_at as pg returned it (exact to the microsecond), and its id.
type Cursor = { at: string; id: string } | null;
const after = (c: Cursor, created: Prisma.Sql, id: Prisma.Sql) =>
  c ? Prisma.sql`AND (${created}, ${id}) > (${c.at}, ${c.id})` : Prisma.empty;

/**
 * The rows of one export, oldest first, read page by page with a keyset on (created_at, id), so
 * the file streams out as it is read and no page stays in memory after it is written. Money is in
 * exact integer micro-USD and, for people, in dollars.
 */
export const EXPORT_COLUMNS: Record<ExportKind, string[]> = {
  usage: [
    "id",
    "created_at",
    "user_id",
    "email",
    "api_key_id",
    "provider",
    "model",
    "power_level",
    "task_type",
    "status",
    "byok",
    "stream",
    "prompt_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "completion_tokens",
    "reasoning_tokens",
    "charged_micros",
    "provider_cost_micros",
    "input_cost_micros",
    "cache_read_cost_micros",
    "cache_write_cost_micros",
    "output_cost_micros",
    "charged_usd",
    "provider_cost_usd",
    "fallback_count",
    "latency_ms",
  ],
  ledger: [
    "id",
    "created_at",
    "user_id",
    "email",
    "type",
    "amount_micros",
    "amount_usd",
    "balance_after_micros",
    "shortfall_micros",
    "reference",
    "idempotency_key",
  ],
  purchases: [
    "id",
    "created_at",
    "user_id",
    "email",
    "type",
    "amount_micros",
    "amount_usd",
    "stripe_object_id",
    "reference",
  ],
};

async function* usageRows(db: Db, r: Range): AsyncGenerator<Record<string, unknown>> {
  let cursor: Cursor = null;
  for (;;) {
    const rows: Record<string, unknown>[] = await queryRows<Record<string, unknown>>(
      db,
      Prisma.sql`
      SELECT l.id, to_char(l.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, l.created_at::text AS at, l.user_id, u.email, l.api_key_id, l.provider_slug AS provider, l.model_name AS model, l.power_level::text AS power_level,
             l.task_type, l.status, l.byok, l.stream, l.prompt_tokens, l.cache_read_tokens, l.cache_write_tokens, l.completion_tokens, l.reasoning_tokens,
             l.charged_micros, l.provider_cost_micros, l.input_cost_micros, l.cache_read_cost_micros, l.cache_write_cost_micros, l.output_cost_micros,
             l.fallback_count, l.latency_ms
      FROM usage_logs l LEFT JOIN users u ON u.id = l.user_id
      WHERE l.created_at >= ${r.from} AND l.created_at < ${r.to} ${after(cursor, Prisma.sql`l.created_at`, Prisma.sql`l.id`)}
      ORDER BY l.created_at, l.id LIMIT ${PAGE}`,
    );
    for (const row of rows)
      yield {
        ...numbers(row, USAGE_INTS),
        charged_usd: microsToUsd(num(row.charged_micros as string)),
        provider_cost_usd: microsToUsd(num(row.provider_cost_micros as string)),
      };
    if (rows.length < PAGE) return;
    const last: Record<string, unknown> = rows.at(-1)!;
    cursor = { at: last.at as string, id: last.id as string };
  }
}

async function* ledgerRows(db: Db, r: Range, purchasesOnly: boolean): AsyncGenerator<Record<string, unknown>> {
  const types = purchasesOnly ? Prisma.sql`AND e.type IN ('PURCHASE', 'REFUND')` : Prisma.empty;
  let cursor: Cursor = null;
  for (;;) {
    const rows: Record<string, unknown>[] = await queryRows<Record<string, unknown>>(
      db,
      Prisma.sql`
      SELECT e.id, to_char(e.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, e.created_at::text AS at, a.user_id, u.email, e.type::text AS type, e.amount_micros, e.balance_after_micros, e.shortfall_micros, e.reference, e.idempotency_key
      FROM ledger_entries e JOIN credit_accounts a ON a.id = e.account_id LEFT JOIN users u ON u.id = a.user_id
      WHERE e.created_at >= ${r.from} AND e.created_at < ${r.to} ${types} ${after(cursor, Prisma.sql`e.created_at`, Prisma.sql`e.id`)}
      ORDER BY e.created_at, e.id LIMIT ${PAGE}`,
    );
    for (const row of rows) {
      const out = { ...numbers(row, LEDGER_INTS), amount_usd: microsToUsd(num(row.amount_micros as string)) };
      yield purchasesOnly ? { ...out, stripe_object_id: stripeObjectOf(row.idempotency_key as string | null) } : out;
    }
    if (rows.length < PAGE) return;
    const last: Record<string, unknown> = rows.at(-1)!;
    cursor = { at: last.at as string, id: last.id as string };
  }
}

// int8 columns arrive from pg as strings; written as numbers (a negative amount is not a formula).
const USAGE_INTS = [
  "charged_micros",
  "provider_cost_micros",
  "input_cost_micros",
  "cache_read_cost_micros",
  "cache_write_cost_micros",
  "output_cost_micros",
];
const LEDGER_INTS = ["id", "amount_micros", "balance_after_micros", "shortfall_micros"];
function numbers(row: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  for (const k of keys) if (row[k] != null) row[k] = num(row[k] as string);
  return row;
}

/** "stripe-session:cs_1" → cs_1; "stripe-refund:ch_1:500" → ch_1. */
export function stripeObjectOf(key: string | null): string | null {
  const m = key ? /^stripe-(?:session|refund):([^:]+)/.exec(key) : null;
  return m ? m[1]! : null;
}

export function exportRows(db: Db, kind: ExportKind, r: Range): AsyncGenerator<Record<string, unknown>> {
  return kind === "usage" ? usageRows(db, r) : ledgerRows(db, r, kind === "purchases");
}
