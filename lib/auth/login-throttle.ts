import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "../db/client.ts";

// Stored in the database (rate_limits) so every app process shares the same counters.
const WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_ATTEMPTS_PER_IP = 30;

export class LoginThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many sign-in attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`);
  }
}

export type LoginThrottle = {
  /** Throws LoginThrottledError when this account or address is locked out; counts the attempt per address. */
  check(email: string, ip: string): Promise<void>;
  failed(email: string): Promise<void>;
  succeeded(email: string): Promise<void>;
};

export function createLoginThrottle(db: Db, limits = { perAccount: MAX_FAILURES_PER_ACCOUNT, perIp: MAX_ATTEMPTS_PER_IP }): LoginThrottle {
  const byAccount = new RateLimiterPrisma({ storeClient: db, tableName: "rateLimit", keyPrefix: "login-account", points: limits.perAccount, duration: WINDOW_SECONDS, clearExpiredByTimeout: false });
  const byIp = new RateLimiterPrisma({ storeClient: db, tableName: "rateLimit", keyPrefix: "login-ip", points: limits.perIp, duration: WINDOW_SECONDS, clearExpiredByTimeout: false });
  const accountKey = (email: string) => email.trim().toLowerCase();
  return {
    async check(email, ip) {
      const account = await byAccount.get(accountKey(email));
      if (account && account.consumedPoints >= limits.perAccount) throw new LoginThrottledError(account.msBeforeNext / 1000);
      try {
        await byIp.consume(ip);
      } catch (res) {
        if (res instanceof RateLimiterRes) throw new LoginThrottledError(res.msBeforeNext / 1000);
        throw res;
      }
    },
    async failed(email) {
      await byAccount.penalty(accountKey(email), 1);
    },
    async succeeded(email) {
      await byAccount.delete(accountKey(email));
    },
  };
}

/**
 * The client address as seen by the nearest proxy. The last X-Forwarded-For entry is the one
 * our own server (or the operator's proxy) appended; earlier entries are client-controlled.
 */
export function clientIp(forwardedFor: string | null | undefined, fallback = "unknown"): string {
  const last = forwardedFor?.split(",").map((s) => s.trim()).filter(Boolean).pop();
  return last || fallback;
}
