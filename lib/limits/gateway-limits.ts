import type { Caller } from "../auth/caller.ts";
import { tooMany } from "../http/errors.ts";
import type { RateStore, WindowState } from "./windows.ts";
import { env } from "../config/env.ts";

/** Per-user limits for every caller (SWITCHYARD_RATE_LIMIT_RPM, default 600; SWITCHYARD_RATE_LIMIT_TPM, default none). */
export type UserLimits = { rpm: number | null; tpm: number | null };

export function userLimitsFromEnv(source: Record<string, string | undefined> = process.env): UserLimits {
  return { rpm: env("SWITCHYARD_RATE_LIMIT_RPM", source), tpm: env("SWITCHYARD_RATE_LIMIT_TPM", source) ?? null };
}

type Limit = { subject: string; rpm: number | null; tpm: number | null; who: string };

let envSeen: { rpm: number; tpm: number | null; limits: UserLimits } | null = null;

/** The environment's per-user limits (tests set them per file; env() parses again only on change). */
function envUserLimits(): UserLimits {
  const rpm = env("SWITCHYARD_RATE_LIMIT_RPM");
  const tpm = env("SWITCHYARD_RATE_LIMIT_TPM") ?? null;
  if (!envSeen || envSeen.rpm !== rpm || envSeen.tpm !== tpm) envSeen = { rpm, tpm, limits: { rpm, tpm } };
  return envSeen.limits;
}

/**
 * A process's share of a shared window: `left` slots it may hand out without asking the database
 * until `until`; `refused` once the window is spent (then requests are refused here, at no cost,
 * until the window ends).
 */
type Lease = { until: number; left: number; refused: WindowState | null };

/** Slots taken from a shared window at once: the most a process can leave unused in a window. */
const MAX_LEASE = 20;

/**
 * How many slots a process takes from a shared window per round trip. One (exact) for small
 * limits and whenever tokens are limited (their count must be read fresh); about a sixtieth of the
 * limit otherwise, at most 20. A process never takes more than the window has left, so the
 * limit holds across any number of processes; the price is that a process may leave up to
 * lease − 1 slots unused when the window ends (a window of 600 rpm serves at least 600 − 9 × processes).
 */
export function leaseSize(rpm: number | null, tpm: number | null): number {
  if (tpm !== null || rpm === null) return 1;
  return Math.max(1, Math.min(MAX_LEASE, Math.floor(rpm / 60)));
}

/**
 * The gateway's rate limits: `admit` before routing, `spent` at settle. In process (embedded
 * database) every request is counted exactly, for free. On PostgreSQL a process takes slots from
 * the shared window in leases (`leaseSize`), so the default per-user limit costs one round trip
 * per lease, not per request; concurrent requests share one refill.
 */
export class GatewayLimits {
  private readonly leases = new Map<string, Lease>();
  private readonly refills = new Map<string, Promise<void>>();

  constructor(
    private readonly store: RateStore,
    private readonly userLimits: () => UserLimits = envUserLimits,
    private readonly now: () => number = Date.now,
  ) {}

  private limits(caller: Caller): Limit[] {
    const out: Limit[] = [];
    const user = this.userLimits();
    if (user.rpm !== null || user.tpm !== null)
      out.push({ subject: `u:${caller.userId}`, rpm: user.rpm, tpm: user.tpm, who: "Your account's" });
    const f = caller.fences;
    if (caller.apiKeyId && f && (f.rpm !== null || f.tpm !== null))
      out.push({ subject: `k:${caller.apiKeyId}`, rpm: f.rpm, tpm: f.tpm, who: "This API key's" });
    return out;
  }

  /** Counts the request; throws 429 with Retry-After when a window is spent. */
  async admit(caller: Caller): Promise<void> {
    const limits = this.limits(caller);
    if (limits.length === 0) return;
    if (!this.store.shared) {
      const states = await this.store.hit(
        limits.map((l) => l.subject),
        limits.map(() => 1),
      );
      for (const l of limits) {
        const s = states.find((x) => x.subject === l.subject);
        if (s) refuseIfSpent(l, s);
      }
      return;
    }
    for (;;) {
      const now = this.now();
      const empty: Limit[] = [];
      for (const l of limits) {
        const lease = this.leases.get(l.subject);
        if (lease && now < lease.until && lease.refused)
          refuseIfSpent(l, { ...lease.refused, msLeft: lease.until - now });
        if (!lease || now >= lease.until || lease.left <= 0) empty.push(l);
      }
      if (empty.length === 0) {
        for (const l of limits) this.leases.get(l.subject)!.left--;
        return;
      }
      await this.refill(empty);
    }
  }

  /** Takes a lease of each window, one round trip for all; a refill already under way is joined. */
  private async refill(limits: Limit[]): Promise<void> {
    if (this.leases.size > 50_000) {
      const now = this.now();
      for (const [k, lease] of this.leases) if (now >= lease.until) this.leases.delete(k);
    }
    const pending = limits.map((l) => this.refills.get(l.subject)).filter((p): p is Promise<void> => p !== undefined);
    const fresh = limits.filter((l) => !this.refills.has(l.subject));
    if (fresh.length) {
      const sizes = fresh.map((l) => leaseSize(l.rpm, l.tpm));
      const done = this.store
        .hit(
          fresh.map((l) => l.subject),
          sizes,
        )
        .then((states) => {
          const now = this.now();
          fresh.forEach((l, i) => {
            const s = states.find((x) => x.subject === l.subject);
            if (!s) return void this.leases.set(l.subject, { until: now + 1_000, left: 1, refused: null });
            // The slots of this lease that fit under the limit (the count may already be past it).
            const granted =
              l.rpm === null ? sizes[i]! : Math.max(0, Math.min(sizes[i]!, l.rpm - (s.requests - sizes[i]!)));
            const tokensSpent = l.tpm !== null && s.tokens >= l.tpm;
            this.leases.set(l.subject, {
              until: now + s.msLeft,
              left: tokensSpent ? 0 : granted,
              refused: granted === 0 || tokensSpent ? s : null,
            });
          });
        });
      const settled = done.finally(() => fresh.forEach((l) => this.refills.delete(l.subject)));
      fresh.forEach((l) => this.refills.set(l.subject, settled));
      pending.push(settled);
    }
    await Promise.all(pending);
  }

  /** A settled request's tokens, for the token limits (nothing to write when none applies). */
  spent(caller: Caller, tokens: number): Promise<void> {
    if (tokens <= 0) return Promise.resolve();
    const subjects = this.limits(caller)
      .filter((l) => l.tpm !== null)
      .map((l) => l.subject);
    return subjects.length ? this.store.addTokens(subjects, tokens) : Promise.resolve();
  }
}

function refuseIfSpent(l: Limit, s: WindowState): void {
  const retryAfter = Math.max(1, Math.ceil(s.msLeft / 1000));
  if (l.rpm !== null && s.requests > l.rpm)
    throw tooMany(`${l.who} limit of ${l.rpm} requests per minute is reached; retry in ${retryAfter} s`, retryAfter);
  if (l.tpm !== null && s.tokens >= l.tpm)
    throw tooMany(
      `${l.who} limit of ${l.tpm} tokens per minute is spent (${s.tokens} used in this window); retry in ${retryAfter} s`,
      retryAfter,
    );
}
