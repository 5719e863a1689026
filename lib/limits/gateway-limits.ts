import type { Caller } from "../auth/caller.ts";
import { tooMany } from "../http/errors.ts";
import type { RateStore, WindowState } from "./windows.ts";

/** Per-user limits for every caller (SWITCHYARD_RATE_LIMIT_RPM, default 600; SWITCHYARD_RATE_LIMIT_TPM, default none). */
export type UserLimits = { rpm: number | null; tpm: number | null };

export function userLimitsFromEnv(env: Record<string, string | undefined> = process.env): UserLimits {
  const positive = (raw: string | undefined, fallback: number | null) => {
    if (raw === undefined || raw.trim() === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${raw} is not a positive whole number (SWITCHYARD_RATE_LIMIT_RPM / _TPM)`);
    return n;
  };
  return { rpm: positive(env.SWITCHYARD_RATE_LIMIT_RPM, 600), tpm: positive(env.SWITCHYARD_RATE_LIMIT_TPM, null) };
}

type Limit = { subject: string; rpm: number | null; tpm: number | null; who: string };

let envSeen: { rpm: string | undefined; tpm: string | undefined; limits: UserLimits } | null = null;

/** The environment's per-user limits, parsed again only when they change (tests set them per file). */
function envUserLimits(): UserLimits {
  const rpm = process.env.SWITCHYARD_RATE_LIMIT_RPM;
  const tpm = process.env.SWITCHYARD_RATE_LIMIT_TPM;
  if (!envSeen || envSeen.rpm !== rpm || envSeen.tpm !== tpm) envSeen = { rpm, tpm, limits: userLimitsFromEnv() };
  return envSeen.limits;
}

/** The gateway's rate limits: `admit` before routing (one round trip on PostgreSQL), `spent` at settle. */
export class GatewayLimits {
  constructor(
    private readonly store: RateStore,
    private readonly userLimits: () => UserLimits = envUserLimits,
  ) {}

  private limits(caller: Caller): Limit[] {
    const out: Limit[] = [];
    const user = this.userLimits();
    if (user.rpm !== null || user.tpm !== null) out.push({ subject: `u:${caller.userId}`, rpm: user.rpm, tpm: user.tpm, who: "Your account's" });
    const f = caller.fences;
    if (caller.apiKeyId && f && (f.rpm !== null || f.tpm !== null)) out.push({ subject: `k:${caller.apiKeyId}`, rpm: f.rpm, tpm: f.tpm, who: "This API key's" });
    return out;
  }

  /** Counts the request; throws 429 with Retry-After when a window is spent. */
  async admit(caller: Caller): Promise<void> {
    const limits = this.limits(caller);
    if (limits.length === 0) return;
    const states = await this.store.hit(limits.map((l) => l.subject));
    for (const l of limits) {
      const s = states.find((x) => x.subject === l.subject);
      if (s) refuseIfSpent(l, s);
    }
  }

  /** A settled request's tokens, for the token limits (nothing to write when none applies). */
  spent(caller: Caller, tokens: number): Promise<void> {
    if (tokens <= 0) return Promise.resolve();
    const subjects = this.limits(caller).filter((l) => l.tpm !== null).map((l) => l.subject);
    return subjects.length ? this.store.addTokens(subjects, tokens) : Promise.resolve();
  }
}

function refuseIfSpent(l: Limit, s: WindowState): void {
  const retryAfter = Math.max(1, Math.ceil(s.msLeft / 1000));
  if (l.rpm !== null && s.requests > l.rpm) throw tooMany(`${l.who} limit of ${l.rpm} requests per minute is reached; retry in ${retryAfter} s`, retryAfter);
  if (l.tpm !== null && s.tokens >= l.tpm) throw tooMany(`${l.who} limit of ${l.tpm} tokens per minute is spent (${s.tokens} used in this window); retry in ${retryAfter} s`, retryAfter);
}
