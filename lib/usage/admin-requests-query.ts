/**
 * The admin request log's query (`GET /api/admin/requests`) and what it answers: one zod schema
 * for the route and the page, which keeps its filters in the URL. No server imports: the page
 * parses a shared link with this same schema.
 */
import { z } from "zod";
import { POWER_LEVELS } from "../router/types.ts";

export const REQUEST_STATUSES = ["success", "error", "cancelled"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Where the next page starts: the last row's (created_at, id), both immutable. */
export type RequestCursor = { createdAt: Date; id: string };

// base64url by hand (atob/btoa): this file also runs in the browser, which has no Buffer.
export function encodeRequestCursor(c: RequestCursor): string {
  const bytes = new TextEncoder().encode(`${c.createdAt.toISOString()}|${c.id}`);
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function decodeRequestCursor(value: string): RequestCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return null;
  let text: string;
  try {
    const binary = atob(value.replace(/-/g, "+").replace(/_/g, "/"));
    text = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
  } catch {
    return null;
  }
  // Any id a row may carry (it is compared as a parameter); a NUL the database could not take.
  // eslint-disable-next-line no-control-regex -- the NUL is exactly what must be refused
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([^\u0000]{1,200})$/s.exec(text);
  if (!match) return null;
  const createdAt = new Date(match[1]!);
  return storable(createdAt) ? { createdAt, id: match[2]! } : null;
}

// JavaScript dates reach year 0 and past 9999; the database's timestamps refuse both (a 500, not a 400).
const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(9999, 0, 1);
const storable = (d: Date) => d.getTime() >= MIN_TIME && d.getTime() < MAX_TIME;

const cursorSchema = z
  .string()
  .max(300)
  .transform((value, ctx) => {
    const decoded = decodeRequestCursor(value);
    if (!decoded) {
      ctx.addIssue({ code: "custom", message: "is not a cursor this API handed out" });
      return z.NEVER;
    }
    return decoded;
  });

// An empty parameter is what a form's "any" choice sends: it means no filter.
const blankAsAbsent = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankAsAbsent, schema.optional());

/** A UTC day (YYYY-MM-DD) or an instant with its offset. */
const instant = z.iso.date().or(z.iso.datetime({ offset: true }));

export const adminRequestsQuerySchema = z
  .object({
    /** A user id or an email (exact, any case). */
    user: optional(z.string().trim().max(254).meta({ label: "User" })),
    /** A gateway key's id or its shown prefix ("sk-sy-AbCdEf"). */
    key: optional(z.string().trim().max(100).meta({ label: "Key" })),
    provider: optional(z.string().trim().max(100).meta({ label: "Provider" })),
    model: optional(z.string().trim().max(200).meta({ label: "Model" })),
    power_level: optional(z.string().trim().toUpperCase().pipe(z.enum(POWER_LEVELS)).meta({ label: "Power level" })),
    status: optional(z.string().trim().toLowerCase().pipe(z.enum(REQUEST_STATUSES)).meta({ label: "Status" })),
    /** Inclusive. */
    from: optional(instant.meta({ label: "From" })),
    /** Exclusive; a bare date includes that whole day. */
    to: optional(instant.meta({ label: "To" })),
    cursor: optional(cursorSchema.meta({ label: "Cursor" })),
    limit: z.preprocess(blankAsAbsent, z.coerce.number().int().min(1).max(200).default(50).meta({ label: "Limit" })),
  })
  .superRefine((q, ctx) => {
    const { from, to } = requestTimeBounds(q);
    if (from && !storable(from))
      ctx.addIssue({ code: "custom", path: ["from"], message: "From must be a time from 1970 to 9998" });
    if (to && !storable(to))
      ctx.addIssue({ code: "custom", path: ["to"], message: "To must be a time from 1970 to 9998" });
    if (from && to && !(from < to)) ctx.addIssue({ code: "custom", path: ["from"], message: "From must be before To" });
  });
export type AdminRequestsQuery = z.infer<typeof adminRequestsQuerySchema>;

const DAY_MS = 86_400_000;

/** [from, to) as instants: a bare date for `to` includes that day, as finance reads it. */
export function requestTimeBounds(q: { from?: string; to?: string }): { from: Date | null; to: Date | null } {
  const from = q.from ? new Date(q.from.length === 10 ? `${q.from}T00:00:00Z` : q.from) : null;
  const to = q.to ? new Date(q.to.length === 10 ? Date.parse(`${q.to}T00:00:00Z`) + DAY_MS : Date.parse(q.to)) : null;
  return { from, to };
}

/** The filters a page keeps in its URL (everything but paging). */
export const REQUEST_FILTER_KEYS = ["user", "key", "provider", "model", "power_level", "status", "from", "to"] as const;
export type RequestFilterKey = (typeof REQUEST_FILTER_KEYS)[number];
export type RequestFilters = Partial<Record<RequestFilterKey, string>>;

/** One row of the log: what an admin scans. Money in USD (6 decimals), as everywhere in the API. */
export type AdminRequestRow = {
  id: string;
  created_at: string;
  user_id: string;
  user_email: string | null;
  api_key_id: string | null;
  key_prefix: string | null;
  key_name: string | null;
  provider: string | null;
  model: string | null;
  power_level: string | null;
  task_type: string;
  status: string;
  latency_ms: number | null;
  ttft_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  charged_usd: number;
  fallback_count: number;
  byok: boolean;
  stream: boolean;
};

export type AdminRequestPage = { data: AdminRequestRow[]; next_cursor: string | null };
