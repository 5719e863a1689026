/**
 * One provider's last 24 hours for the detail chart: requests, success rate and latency
 * percentiles per hour, from the per-minute rollups (histograms, lib/health/histogram.ts) before
 * the watermark and the raw samples after it, read in one statement.
 */
import type { Db } from "../db/client.ts";
import { sqlRows } from "../db/sql.ts";
import { msOf, ts, WATERMARK_SQL } from "./card-queries.ts";
import { histogramSql, mergeHistograms, quantile } from "./histogram.ts";
import { fillHours, firstHour } from "./hours.ts";
import { WATERMARK_KEY } from "./rollup.ts";

export type HistoryPoint = {
  hour: string;
  requests: number;
  /** null for an hour without calls. */
  success_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  ttft_p50_ms: number | null;
};

type Row = { hour: number; requests: number; ok: number; latency_hist: number[] | null; ttft_hist: number[] | null };
type Acc = { hour: string; requests: number; ok: number; latency: (number[] | null)[]; ttft: (number[] | null)[] };

export async function providerHistory(db: Db, providerId: string, now: Date): Promise<HistoryPoint[]> {
  const rows = await sqlRows<Row>(
    db,
    "sy_hc_history",
    `WITH w AS (SELECT ${WATERMARK_SQL(4)} AS t)
     SELECT ${msOf("date_trunc('hour', minute)")} AS hour, requests, ok, latency_hist, ttft_hist
     FROM provider_health_minutes
     WHERE provider_id = $1 AND minute >= ${ts(2)} AND minute < (SELECT t FROM w)
     UNION ALL
     SELECT ${msOf("date_trunc('hour', created_at)")}, count(*)::int, count(*) FILTER (WHERE ok)::int,
            ${histogramSql("CASE WHEN ok THEN latency_ms END")}, ${histogramSql("CASE WHEN ok THEN ttft_ms END")}
     FROM provider_health_samples
     WHERE provider_id = $1 AND created_at >= greatest(${ts(2)}, (SELECT t FROM w)) AND created_at <= ${ts(3)}
     GROUP BY 1`,
    [providerId, firstHour(now).toISOString(), now.toISOString(), WATERMARK_KEY],
  );
  const hours = fillHours(
    rows.map((r) => ({ ...r, hour: new Date(r.hour) })),
    now,
    (hour): Acc => ({ hour, requests: 0, ok: 0, latency: [], ttft: [] }),
    (acc, r) => {
      acc.requests += r.requests;
      acc.ok += r.ok;
      acc.latency.push(r.latency_hist);
      acc.ttft.push(r.ttft_hist);
      return acc;
    },
  );
  return hours.map((h) => {
    const latency = mergeHistograms(h.latency);
    return {
      hour: h.hour,
      requests: h.requests,
      success_rate: h.requests ? h.ok / h.requests : null,
      latency_p50_ms: quantile(latency, 0.5),
      latency_p95_ms: quantile(latency, 0.95),
      ttft_p50_ms: quantile(mergeHistograms(h.ttft), 0.5),
    };
  });
}
