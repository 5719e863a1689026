import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { notFound } from "../http/errors.ts";
import { receiptView, type RoutingReceipt, type StoredReceipt } from "../gateway/receipt.ts";
import type { AttemptRecord } from "../gateway/usage-log.ts";
import { microsToUsd, toMicros } from "../money/units.ts";
import { scrubSecrets } from "../security/scrub.ts";
import {
  encodeRequestCursor,
  requestTimeBounds,
  type AdminRequestPage,
  type AdminRequestRow,
  type AdminRequestsQuery,
} from "./admin-requests-query.ts";

/**
 * The admin request log: every gateway request (usage_logs), newest first, a page at a time.
 *
 * Pages follow (created_at, id) descending, never OFFSET: a deep page costs what the first does,
 * and a request made while an admin walks the log lands on page one instead of shifting every
 * later page by one. Each filter that can be selective has an index that starts with it and ends
 * with (created_at, id), so the page is an index range read in order, stopping at limit + 1
 * (migration usage_log_request_indexes; `npm run bench -- requests`). The page is cut first and
 * only its rows are joined to users and keys.
 */

type Row = {
  id: string;
  created_at: Date;
  user_id: string;
  user_email: string | null;
  api_key_id: string | null;
  key_prefix: string | null;
  key_name: string | null;
  provider_slug: string | null;
  model_name: string | null;
  power_level: string | null;
  task_type: string;
  status: string;
  latency_ms: number | null;
  ttft_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  charged_micros: bigint;
  fallback_count: number;
  byok: boolean;
  stream: boolean;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user filter as user ids: an email names one user (or none); anything else is an id. */
async function usersOf(db: Db, user: string): Promise<string[]> {
  if (!user.includes("@")) return [user];
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE email = ${user.toLowerCase()}`;
  return rows.map((r) => r.id);
}

/**
 * The key filter as key ids: a key's id or its shown prefix (several keys may share one). A
 * UUID that names no key is still looked for: the key may have been deleted since its requests.
 */
async function keysOf(db: Db, key: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT id FROM api_keys WHERE id = ${key} OR prefix = ${key}`;
  const ids = rows.map((r) => r.id);
  return UUID.test(key) && !ids.includes(key) ? [...ids, key] : ids;
}

const oneOf = (column: Prisma.Sql, ids: string[]) =>
  ids.length === 1 ? Prisma.sql`${column} = ${ids[0]}` : Prisma.sql`${column} IN (${Prisma.join(ids)})`;

export async function adminRequestList(db: Db, q: AdminRequestsQuery): Promise<AdminRequestPage> {
  const where: Prisma.Sql[] = [];
  if (q.user) {
    const ids = await usersOf(db, q.user);
    if (!ids.length) return { data: [], next_cursor: null };
    where.push(oneOf(Prisma.sql`l.user_id`, ids));
  }
  if (q.key) {
    const ids = await keysOf(db, q.key);
    if (!ids.length) return { data: [], next_cursor: null };
    where.push(oneOf(Prisma.sql`l.api_key_id`, ids));
  }
  if (q.provider) where.push(Prisma.sql`l.provider_slug = ${q.provider}`);
  if (q.model) where.push(Prisma.sql`l.model_name = ${q.model}`);
  if (q.power_level) where.push(Prisma.sql`l.power_level = ${q.power_level}::"PowerLevel"`);
  if (q.status) where.push(Prisma.sql`l.status = ${q.status}`);
  const { from, to } = requestTimeBounds(q);
  if (from) where.push(Prisma.sql`l.created_at >= ${from}::timestamp(3)`);
  if (to) where.push(Prisma.sql`l.created_at < ${to}::timestamp(3)`);
  if (q.cursor) where.push(Prisma.sql`(l.created_at, l.id) < (${q.cursor.createdAt}::timestamp(3), ${q.cursor.id})`);

  const rows = await db.$queryRaw<Row[]>`
    WITH page AS (
      SELECT l.id, l.created_at, l.user_id, l.api_key_id, l.provider_slug, l.model_name, l.power_level::text AS power_level, l.task_type, l.status,
             l.latency_ms, l.ttft_ms, l.prompt_tokens, l.completion_tokens, l.charged_micros, l.fallback_count, l.byok, l.stream
      FROM usage_logs l
      WHERE ${where.length ? Prisma.join(where, " AND ") : Prisma.sql`TRUE`}
      ORDER BY l.created_at DESC, l.id DESC
      LIMIT ${q.limit + 1}
    )
    SELECT p.*, u.email AS user_email, k.prefix AS key_prefix, k.name AS key_name
    FROM page p LEFT JOIN users u ON u.id = p.user_id LEFT JOIN api_keys k ON k.id = p.api_key_id
    ORDER BY p.created_at DESC, p.id DESC`;

  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    data: page.map(rowView),
    next_cursor:
      rows.length > q.limit && last ? encodeRequestCursor({ createdAt: last.created_at, id: last.id }) : null,
  };
}

function rowView(r: Row): AdminRequestRow {
  return {
    id: r.id,
    created_at: r.created_at.toISOString(),
    user_id: r.user_id,
    user_email: r.user_email,
    api_key_id: r.api_key_id,
    key_prefix: r.key_prefix,
    key_name: r.key_name,
    provider: r.provider_slug,
    model: r.model_name,
    power_level: r.power_level,
    task_type: r.task_type,
    status: r.status,
    latency_ms: r.latency_ms,
    ttft_ms: r.ttft_ms,
    prompt_tokens: r.prompt_tokens,
    completion_tokens: r.completion_tokens,
    charged_usd: microsToUsd(toMicros(r.charged_micros)),
    fallback_count: r.fallback_count,
    byok: r.byok,
    stream: r.stream,
  };
}

export type AdminAttempt = Omit<AttemptRecord, "provider_cost_micros"> & { provider_cost_usd?: number };

export type AdminRequestDetail = AdminRequestRow & {
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  provider_cost_usd: number;
  error: string | null;
  attempts: AdminAttempt[];
  /** Null for requests recorded before receipts existed. */
  receipt: RoutingReceipt | null;
};

type DetailRow = Row & {
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  provider_cost_micros: bigint;
  error_message: string | null;
  attempts: unknown;
  receipt: unknown;
};

/**
 * One request with its attempts and routing receipt. Both were scrubbed when stored; error texts
 * are scrubbed again on the way out, as the user's own view does, for rows stored before that.
 */
export async function adminRequestDetail(db: Db, id: string): Promise<AdminRequestDetail> {
  const [r] = await db.$queryRaw<DetailRow[]>`
    SELECT l.id, l.created_at, l.user_id, u.email AS user_email, l.api_key_id, k.prefix AS key_prefix, k.name AS key_name,
           l.provider_slug, l.model_name, l.power_level::text AS power_level, l.task_type, l.status, l.latency_ms, l.ttft_ms,
           l.prompt_tokens, l.completion_tokens, l.cache_read_tokens, l.cache_write_tokens, l.reasoning_tokens,
           l.charged_micros, l.provider_cost_micros, l.fallback_count, l.byok, l.stream, l.error_message, l.attempts, l.receipt
    FROM usage_logs l LEFT JOIN users u ON u.id = l.user_id LEFT JOIN api_keys k ON k.id = l.api_key_id
    WHERE l.id = ${id}`;
  if (!r) throw notFound("No request with this id (it may be older than the usage retention period)");
  return {
    ...rowView(r),
    cache_read_tokens: r.cache_read_tokens,
    cache_write_tokens: r.cache_write_tokens,
    reasoning_tokens: r.reasoning_tokens,
    provider_cost_usd: microsToUsd(toMicros(r.provider_cost_micros)),
    error: r.error_message === null ? null : scrubSecrets(r.error_message),
    attempts: attemptsView(r.attempts),
    receipt: r.receipt ? receiptView(r.receipt as StoredReceipt) : null,
  };
}

function attemptsView(stored: unknown): AdminAttempt[] {
  if (!Array.isArray(stored)) return [];
  return (stored as AttemptRecord[]).map(({ provider_cost_micros, ...a }) => ({
    provider: a.provider,
    model: a.model,
    ok: a.ok,
    status: a.status ?? null,
    error: typeof a.error === "string" ? scrubSecrets(a.error) : null,
    latency_ms: a.latency_ms,
    ttft_ms: a.ttft_ms ?? null,
    ...(typeof provider_cost_micros === "number" ? { provider_cost_usd: microsToUsd(provider_cost_micros) } : {}),
  }));
}
