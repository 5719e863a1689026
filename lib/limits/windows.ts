/**
 * Gateway rate limits: per user and per key, requests and tokens per minute, in fixed 60 s
 * windows that start with a subject's first request (rate-limiter-flexible's model). Every
 * request counts when it arrives, refused or not, so a client that keeps hammering stays
 * refused; tokens count when the request settles, and a request is refused once its window's
 * tokens are spent. The store is shared by every app process on PostgreSQL (pg-store.ts) and in
 * process on the embedded database, which only one process serves (memory-store.ts).
 */
export const WINDOW_MS = 60_000;

/** A subject's window after counting. */
export type WindowState = { subject: string; requests: number; tokens: number; msLeft: number };

export interface RateStore {
  /**
   * Whether the counters live outside this process (PostgreSQL): then each process takes slots in
   * leases (lib/limits/gateway-limits.ts) instead of a round trip per request.
   */
  readonly shared: boolean;
  /** Counts `counts[i]` requests for `subjects[i]`, all in one step (one round trip on PostgreSQL). */
  hit(subjects: readonly string[], counts: readonly number[]): Promise<WindowState[]>;
  /** Adds a settled request's tokens to each subject's current window. */
  addTokens(subjects: readonly string[], tokens: number): Promise<void>;
}
