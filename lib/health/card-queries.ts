/**
 * The statements behind the admin's provider cards, each over an index: raw samples by
 * (created_at) or (provider_id, created_at), rollups by (minute) or their key (provider_id,
 * minute). Every one takes an optional provider id (the detail page's single card), which
 * becomes its own prepared statement so each plan can use the narrower index.
 *
 * Timestamps come back as epoch milliseconds: the columns have no zone (UTC by convention) and
 * pg would read them in the Node process's local zone.
 */
import type { Db } from "../db/client.ts";
import { sqlRows } from "../db/sql.ts";
import { histogramSql } from "./histogram.ts";
import { minuteFloor, WATERMARK_KEY } from "./rollup.ts";

export const msOf = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;
export const ts = (n: number) => `$${n}::timestamptz::timestamp`;

/** Where rollups end and raw samples begin, read inside the statement that uses it (one snapshot); epoch before the first rollup. */
export const WATERMARK_SQL = (param: number) =>
  `(SELECT coalesce(max((value->>'through')::timestamptz::timestamp), 'epoch'::timestamp) FROM system_settings WHERE key = $${param})`;

function scoped(
  name: string,
  providerId: string | undefined,
  values: unknown[],
): { name: string; where: (column: string) => string; values: unknown[] } {
  if (providerId === undefined) return { name, where: () => "", values };
  const n = values.length + 1;
  return { name: `${name}_one`, where: (column) => ` AND ${column} = $${n}`, values: [...values, providerId] };
}

export type ProviderRow = {
  id: string;
  slug: string;
  name: string;
  enabled: boolean;
  models_served: number;
  check_at: number | null;
  check_outcome: string | null;
  check_status: number | null;
  check_error: string | null;
  check_latency_ms: number | null;
};

/** Providers in the catalog's order, with their enabled models counted and their last active check. */
export function providerRows(db: Db, providerId?: string): Promise<ProviderRow[]> {
  const q = scoped("sy_hc_providers", providerId, []);
  return sqlRows<ProviderRow>(
    db,
    q.name,
    `SELECT p.id, p.slug, p.name, p.enabled,
            (SELECT count(*)::int FROM models m WHERE m.provider_id = p.id AND m.enabled) AS models_served,
            ${msOf("c.checked_at")} AS check_at, c.outcome AS check_outcome, c.status AS check_status, c.error AS check_error, c.latency_ms AS check_latency_ms
     FROM providers p LEFT JOIN provider_checks c ON c.provider_id = p.id
     WHERE true${q.where("p.id")}
     ORDER BY p.priority DESC, p.slug`,
    q.values,
  );
}

export type WindowRow = {
  provider_id: string;
  requests: number;
  ok: number;
  latency_hist: number[] | null;
  ttft_hist: number[] | null;
  last_at: number;
};

/**
 * Calls, successes, and histograms of the successful calls' latency and first-token time, per
 * provider, since the minute `since` falls in: rollups before the watermark, raw samples from it
 * on (several rows per provider: add them up). Histograms rather than exact percentiles: sorting
 * 15 minutes of raw samples at 50 req/s took most of the cards' time budget (bench/health.bench.ts),
 * and a bucket's width is close enough for a card. `last_at` is the latest call: exact after the
 * watermark, its minute's start before it.
 */
export function windowRows(db: Db, since: Date, now: Date, providerId?: string): Promise<WindowRow[]> {
  const q = scoped("sy_hc_window", providerId, [
    minuteFloor(since.getTime()).toISOString(),
    now.toISOString(),
    WATERMARK_KEY,
  ]);
  return sqlRows<WindowRow>(
    db,
    q.name,
    `WITH w AS (SELECT ${WATERMARK_SQL(3)} AS t)
     SELECT provider_id, requests, ok, latency_hist, ttft_hist, ${msOf("minute")} AS last_at FROM provider_health_minutes
     WHERE minute >= ${ts(1)} AND minute < (SELECT t FROM w)${q.where("provider_id")}
     UNION ALL
     SELECT provider_id, count(*)::int, count(*) FILTER (WHERE ok)::int,
            ${histogramSql("CASE WHEN ok THEN latency_ms END")}, ${histogramSql("CASE WHEN ok THEN ttft_ms END")}, ${msOf("max(created_at)")}
     FROM provider_health_samples
     WHERE created_at >= greatest(${ts(1)}, (SELECT t FROM w)) AND created_at <= ${ts(2)}${q.where("provider_id")}
     GROUP BY provider_id`,
    q.values,
  );
}

export type LastErrorRow = { provider_id: string; error: string | null; status_code: number | null; at: number };

/**
 * Each provider's latest failed call still in the raw samples (2 h): a walk back along the
 * partial index of failed samples (provider_id, created_at) WHERE NOT ok. Without that index the
 * planner walks the created_at index instead and reads every sample for a provider that never
 * failed (seconds at 50 req/s).
 */
export function lastErrors(db: Db, providerId?: string): Promise<LastErrorRow[]> {
  const q = scoped("sy_hc_last_error", providerId, []);
  return sqlRows<LastErrorRow>(
    db,
    q.name,
    `SELECT p.id AS provider_id, e.error, e.status_code, ${msOf("e.created_at")} AS at
     FROM providers p CROSS JOIN LATERAL (
       SELECT s.error, s.status_code, s.created_at FROM provider_health_samples s
       WHERE s.provider_id = p.id AND NOT s.ok ORDER BY s.created_at DESC LIMIT 1) e
     WHERE true${q.where("p.id")}`,
    q.values,
  );
}

export type HourRow = { provider_id: string; hour: number; requests: number; ok: number; last_hour: number };

/**
 * Requests and successes per provider and hour since `from`, and those since `hourAgo`: rollups
 * for the minutes before the watermark, raw samples from it on, in one statement so both parts
 * see the same watermark and nothing is counted twice.
 */
export function hourlyRows(db: Db, from: Date, hourAgo: Date, now: Date, providerId?: string): Promise<HourRow[]> {
  const q = scoped("sy_hc_hourly", providerId, [
    from.toISOString(),
    hourAgo.toISOString(),
    now.toISOString(),
    WATERMARK_KEY,
  ]);
  return sqlRows<HourRow>(
    db,
    q.name,
    `WITH w AS (SELECT ${WATERMARK_SQL(4)} AS t)
     SELECT provider_id, ${msOf("hour")} AS hour, sum(requests)::int AS requests, sum(ok)::int AS ok, sum(last_hour)::int AS last_hour FROM (
       SELECT m.provider_id, date_trunc('hour', m.minute) AS hour, sum(m.requests) AS requests, sum(m.ok) AS ok,
              coalesce(sum(m.requests) FILTER (WHERE m.minute >= ${ts(2)}), 0) AS last_hour
       FROM provider_health_minutes m
       WHERE m.minute >= ${ts(1)} AND m.minute < (SELECT t FROM w)${q.where("m.provider_id")}
       GROUP BY 1, 2
       UNION ALL
       SELECT s.provider_id, date_trunc('hour', s.created_at), count(*), count(*) FILTER (WHERE s.ok), count(*) FILTER (WHERE s.created_at >= ${ts(2)})
       FROM provider_health_samples s
       WHERE s.created_at >= greatest(${ts(1)}, (SELECT t FROM w)) AND s.created_at <= ${ts(3)}${q.where("s.provider_id")}
       GROUP BY 1, 2
     ) x GROUP BY 1, 2`,
    q.values,
  );
}
