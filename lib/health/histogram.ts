/**
 * Fixed-bucket histograms of milliseconds, the form health rollups keep latency and first-token
 * time in (provider_health_minutes.latency_hist / ttft_hist): any span's percentile is a sum of
 * rows, which per-minute percentiles could not give. Bucket i counts values ≤ BOUNDS[i]; the last
 * bucket counts everything above the last bound. Percentiles interpolate inside a bucket, so they
 * are within one bucket's width of the exact value (Prometheus' histogram_quantile does the same).
 */
export const BOUNDS_MS = [
  25, 50, 100, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 30_000, 60_000,
] as const;
export const BUCKETS = BOUNDS_MS.length + 1;

/** The bucket a value falls in. */
export function bucketOf(ms: number): number {
  for (let i = 0; i < BOUNDS_MS.length; i++) if (ms <= BOUNDS_MS[i]!) return i;
  return BOUNDS_MS.length;
}

/** Sums histograms bucket by bucket (a shorter or missing one counts as zeros). */
export function mergeHistograms(hists: readonly (readonly number[] | null | undefined)[]): number[] {
  const out = new Array<number>(BUCKETS).fill(0);
  for (const h of hists) {
    if (!h) continue;
    for (let i = 0; i < BUCKETS && i < h.length; i++) out[i]! += h[i] ?? 0;
  }
  return out;
}

/** The q-quantile (0 < q ≤ 1) in ms, interpolated inside its bucket; null for an empty histogram. */
export function quantile(hist: readonly number[], q: number): number | null {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    const n = hist[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : BOUNDS_MS[i - 1]!;
      // Above the last bound there is no upper edge: report the bound, which is what is known.
      if (i === BOUNDS_MS.length) return lower;
      const upper = BOUNDS_MS[i]!;
      return Math.round(lower + ((upper - lower) * (rank - seen)) / n);
    }
    seen += n;
  }
  return BOUNDS_MS[BOUNDS_MS.length - 1]!;
}

/** SQL for the histogram of a column over grouped rows (PostgreSQL and PGlite): an int[] of BUCKETS counts. */
export function histogramSql(column: string): string {
  const counts = BOUNDS_MS.map(
    (b, i) =>
      `count(*) FILTER (WHERE ${column} ${i === 0 ? "<=" : `> ${BOUNDS_MS[i - 1]} AND ${column} <=`} ${b})::int`,
  );
  counts.push(`count(*) FILTER (WHERE ${column} > ${BOUNDS_MS[BOUNDS_MS.length - 1]})::int`);
  return `ARRAY[${counts.join(", ")}]`;
}
