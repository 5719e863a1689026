/** The 24 hourly buckets the cards and the detail page show: UTC hours, oldest first, the current (partial) hour last. */
export const HOUR_MS = 3_600_000;
export const HOURS = 24;

export function hourFloor(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** Start of the oldest of the 24 hours ending with the current one. */
export function firstHour(now: Date): Date {
  return new Date(hourFloor(now.getTime()) - (HOURS - 1) * HOUR_MS);
}

/**
 * One entry per hour of the 24, from rows keyed by their hour's start (several rows of one hour,
 * such as a rolled-up part and a raw part, are added); an hour without rows is `empty(hour)`.
 */
export function fillHours<R extends { hour: Date }, T>(
  rows: readonly R[],
  now: Date,
  empty: (hour: string) => T,
  add: (acc: T, row: R) => T,
): T[] {
  const start = firstHour(now).getTime();
  const out: T[] = Array.from({ length: HOURS }, (_, i) => empty(new Date(start + i * HOUR_MS).toISOString()));
  for (const r of rows) {
    const i = Math.round((hourFloor(r.hour.getTime()) - start) / HOUR_MS);
    if (i >= 0 && i < HOURS) out[i] = add(out[i]!, r);
  }
  return out;
}

export type HourCount = { hour: string; requests: number; ok: number };

/** Requests and successes per hour for the cards' sparkline. */
export function hourlyCounts(rows: readonly { hour: Date; requests: number; ok: number }[], now: Date): HourCount[] {
  return fillHours(
    rows,
    now,
    (hour): HourCount => ({ hour, requests: 0, ok: 0 }),
    (acc, r) => ({ hour: acc.hour, requests: acc.requests + r.requests, ok: acc.ok + r.ok }),
  );
}
