/**
 * Per-provider circuit breaker and rolling stats, in memory (each app process judges from its own
 * traffic; the samples also go to the database for the admin view).
 * closed → open after `failureThreshold` consecutive failures; open → half-open after
 * `cooldownMs`, letting one trial through; its success closes, its failure re-opens.
 */
export type BreakerOptions = { failureThreshold: number; cooldownMs: number; window: number };
export type BreakerState = "closed" | "open" | "half-open";

type Entry = {
  consecutiveFailures: number;
  openedAt: number | null;
  trialInFlight: boolean;
  outcomes: boolean[];
  latencies: number[];
  lastError: string | null;
};

export class CircuitBreakers {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly opts: BreakerOptions = { failureThreshold: 3, cooldownMs: 30_000, window: 50 },
    private readonly now: () => number = Date.now,
  ) {}

  private entry(id: string): Entry {
    let e = this.entries.get(id);
    if (!e) {
      e = {
        consecutiveFailures: 0,
        openedAt: null,
        trialInFlight: false,
        outcomes: [],
        latencies: [],
        lastError: null,
      };
      this.entries.set(id, e);
    }
    return e;
  }

  state(id: string): BreakerState {
    const e = this.entries.get(id);
    if (!e || e.openedAt === null) return "closed";
    return this.now() - e.openedAt >= this.opts.cooldownMs ? "half-open" : "open";
  }

  /** For routing: open, or half-open with its one trial already taken, counts as unavailable. */
  isOpen(id: string): boolean {
    const s = this.state(id);
    return s === "open" || (s === "half-open" && this.entry(id).trialInFlight);
  }

  /** Call when an attempt starts; in half-open this claims the single trial. */
  begin(id: string): void {
    if (this.state(id) === "half-open") this.entry(id).trialInFlight = true;
  }

  success(id: string, latencyMs: number): void {
    const e = this.entry(id);
    e.consecutiveFailures = 0;
    e.openedAt = null;
    e.trialInFlight = false;
    this.push(e, true, latencyMs);
  }

  failure(id: string, error: string): void {
    const e = this.entry(id);
    e.consecutiveFailures++;
    e.lastError = error;
    e.trialInFlight = false;
    if (e.openedAt !== null || e.consecutiveFailures >= this.opts.failureThreshold) e.openedAt = this.now();
    this.push(e, false, null);
  }

  /** An admin changed the provider (a new key, another URL): judge it afresh. */
  reset(id: string): void {
    this.entries.delete(id);
  }

  /** The attempt ended for a reason that says nothing about the provider (client went away). */
  abandon(id: string): void {
    this.entry(id).trialInFlight = false;
  }

  stats(id: string): { successRate?: number; p50LatencyMs?: number; lastError: string | null } {
    const e = this.entries.get(id);
    if (!e || e.outcomes.length === 0) return { lastError: e?.lastError ?? null };
    const ok = e.outcomes.filter(Boolean).length;
    const sorted = [...e.latencies].sort((a, b) => a - b);
    return {
      successRate: ok / e.outcomes.length,
      p50LatencyMs: sorted.length ? sorted[Math.floor(sorted.length / 2)] : undefined,
      lastError: e.lastError,
    };
  }

  private push(e: Entry, ok: boolean, latency: number | null) {
    e.outcomes.push(ok);
    if (e.outcomes.length > this.opts.window) e.outcomes.shift();
    if (latency !== null) {
      e.latencies.push(latency);
      if (e.latencies.length > this.opts.window) e.latencies.shift();
    }
  }
}
