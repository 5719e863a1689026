import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "../db/client.ts";
import { formatIp, parseIp } from "../http/trusted-proxy.ts";

// Counters live in the database (rate_limits) so every app process shares them.
//
// Nothing here can lock an account for everyone: that would let anyone lock out the admin at
// will. Instead:
// - per (account, address): a few failures are free, then that address waits before its next
//   try on that account, twice as long after each further failure. The owner elsewhere is not
//   affected; a success from the address clears its record.
// - per address, over all accounts: a cap on failures (password spraying). Successful sign-ins
//   give their attempt back, so scripts that sign in often are never throttled for it.
// - per account, over all addresses: past a ceiling, each attempt waits a moment first. That
//   slows an attack spread over many addresses and never refuses anyone, the owner included.
export const LOGIN_LIMITS = {
  freeFailuresPerPair: 3,
  firstWaitSeconds: 30,
  maxWaitSeconds: 15 * 60,
  /** How long a pair's failures are remembered (from its first failure), so waits keep growing. */
  pairWindowSeconds: 24 * 60 * 60,
  perAddress: 30,
  addressWindowSeconds: 15 * 60,
  accountSlowAfter: 20,
  accountWindowSeconds: 15 * 60,
  accountDelayMs: 250,
  accountMaxDelayMs: 3000,
};
export type LoginLimits = typeof LOGIN_LIMITS;

export class LoginThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    const s = Math.max(1, Math.ceil(retryAfterSeconds));
    super(`Too many sign-in attempts. Try again in ${s < 90 ? `${s} seconds` : `${Math.ceil(s / 60)} minutes`}.`);
  }
}

/** How long an address waits after its `failures`-th failure on one account (0: not at all). */
export function pairWaitSeconds(failures: number, limits: LoginLimits = LOGIN_LIMITS): number {
  const over = failures - limits.freeFailuresPerPair;
  if (over <= 0) return 0;
  return Math.min(limits.firstWaitSeconds * 2 ** Math.min(over - 1, 30), limits.maxWaitSeconds);
}

/** How long every attempt on an account waits once it has `failures` failures from anywhere. */
export function accountDelayMs(failures: number, limits: LoginLimits = LOGIN_LIMITS): number {
  const over = failures - limits.accountSlowAfter;
  if (over < 0) return 0;
  return Math.min(limits.accountDelayMs * (over + 1), limits.accountMaxDelayMs);
}

/**
 * The key an address is counted under. An IPv6 client usually holds a whole /64 and can pick any
 * address in it, so IPv6 addresses count per /64.
 */
export function addressKey(address: string): string {
  const ip = parseIp(address);
  if (!ip) return address.slice(0, 100);
  if (ip.length === 4) return formatIp(ip);
  return `${formatIp(Uint8Array.from([...ip.subarray(0, 8), 0, 0, 0, 0, 0, 0, 0, 0]))}/64`;
}

// Emails are at most 254 characters; longer input cannot sign in, and need not grow the table.
const accountKey = (email: string) => email.trim().toLowerCase().slice(0, 320);

export type LoginThrottle = {
  /** Throws LoginThrottledError when this address must wait; may pause first when the account is under attack; counts the attempt. */
  check(email: string, address: string): Promise<void>;
  failed(email: string, address: string): Promise<void>;
  succeeded(email: string, address: string): Promise<void>;
};

export function createLoginThrottle(
  db: Db,
  opts: { limits?: Partial<LoginLimits>; sleep?: (ms: number) => Promise<void> } = {},
): LoginThrottle {
  const limits = { ...LOGIN_LIMITS, ...opts.limits };
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const store = (keyPrefix: string, points: number, duration: number, clearExpiredByTimeout = false) =>
    new RateLimiterPrisma({
      storeClient: db,
      tableName: "rateLimit",
      keyPrefix,
      points,
      duration,
      clearExpiredByTimeout,
    });
  // Failure counts that only ever slow things down have no point limit of their own.
  const pairFailures = store("login-pair", Number.MAX_SAFE_INTEGER, limits.pairWindowSeconds);
  // A row here means "this pair waits until it expires". This limiter also clears rows of every
  // login limiter that expired over an hour ago, so rows an attacker makes do not pile up.
  const pairWait = store("login-pair-wait", 1, limits.maxWaitSeconds, true);
  const byAddress = store("login-address", limits.perAddress, limits.addressWindowSeconds);
  const byAccount = store("login-account", Number.MAX_SAFE_INTEGER, limits.accountWindowSeconds);
  const pairKey = (email: string, address: string) => `${accountKey(email)}|${addressKey(address)}`;

  return {
    async check(email, address) {
      const wait = await pairWait.get(pairKey(email, address));
      if (wait && wait.msBeforeNext > 0) throw new LoginThrottledError(wait.msBeforeNext / 1000);
      // Counted before the password is checked, so parallel requests cannot slip past the cap.
      try {
        await byAddress.consume(addressKey(address));
      } catch (res) {
        if (res instanceof RateLimiterRes) throw new LoginThrottledError(res.msBeforeNext / 1000);
        throw res;
      }
      const account = await byAccount.get(accountKey(email));
      const delay = accountDelayMs(account?.consumedPoints ?? 0, limits);
      if (delay > 0) await sleep(delay);
    },
    async failed(email, address) {
      await byAccount.penalty(accountKey(email), 1);
      const { consumedPoints } = await pairFailures.penalty(pairKey(email, address), 1);
      const wait = pairWaitSeconds(consumedPoints, limits);
      if (wait > 0) await pairWait.block(pairKey(email, address), wait);
    },
    async succeeded(email, address) {
      await Promise.all([
        pairFailures.delete(pairKey(email, address)),
        pairWait.delete(pairKey(email, address)),
        byAddress.reward(addressKey(address), 1),
      ]);
    },
  };
}
