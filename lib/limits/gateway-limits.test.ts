import { describe, expect, it } from "vitest";
import { ApiError } from "../http/errors.ts";
import { GatewayLimits, leaseSize, userLimitsFromEnv } from "./gateway-limits.ts";
import { MemoryRateStore } from "./memory-store.ts";
import type { RateStore } from "./windows.ts";

/** The in-process store posing as the shared one (as PostgreSQL's), counting its round trips. */
function sharedStore(now: () => number) {
  const inner = new MemoryRateStore(now);
  const store: RateStore & { trips: number } = {
    shared: true,
    trips: 0,
    async hit(subjects, counts) {
      store.trips++;
      await new Promise((r) => setTimeout(r, 1));
      return inner.hit(subjects, counts);
    },
    addTokens: (subjects, tokens) => inner.addTokens(subjects, tokens),
  };
  return store;
}

const admitted = (p: Promise<void>) =>
  p.then(
    () => true,
    () => false,
  );
import type { Caller } from "../auth/caller.ts";

const fences = {
  monthlyLimitMicros: null,
  allowedLevels: null,
  allowedModels: null,
  allowedProviders: null,
  allowedModelList: [],
  routingProfile: null,
};
const caller = (rpm: number | null, tpm: number | null, key = "k1"): Caller => ({
  userId: "u1",
  email: "u@x",
  role: "USER",
  apiKeyId: key,
  fences: { ...fences, rpm, tpm },
});

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe("gateway rate limits (in-process store)", () => {
  it("a window starts with the first request, refuses past the limit with Retry-After, and opens again after 60 s", async () => {
    let now = 1_000_000;
    const limits = new GatewayLimits(new MemoryRateStore(() => now), () => ({ rpm: null, tpm: null }));
    for (let i = 0; i < 3; i++) await limits.admit(caller(3, null));
    now += 20_000;
    const err = await refusal(limits.admit(caller(3, null)));
    expect(err.status).toBe(429);
    expect(err.message).toContain("This API key's limit of 3 requests per minute");
    expect(err.headers["Retry-After"]).toBe("40");
    now += 40_000;
    await limits.admit(caller(3, null));
  });

  it("tokens count at settle; the window is refused once they are spent, per key", async () => {
    let now = 0;
    const limits = new GatewayLimits(new MemoryRateStore(() => now), () => ({ rpm: null, tpm: null }));
    await limits.admit(caller(null, 100));
    await limits.spent(caller(null, 100), 99);
    await limits.admit(caller(null, 100));
    await limits.spent(caller(null, 100), 1);
    expect((await refusal(limits.admit(caller(null, 100)))).message).toContain(
      "limit of 100 tokens per minute is spent (100 used in this window)",
    );
    // Another key of the same user has its own window.
    await limits.admit(caller(null, 100, "k2"));
    now += 60_000;
    await limits.admit(caller(null, 100));
  });

  it("the user's limit applies to every key and the session alike", async () => {
    const limits = new GatewayLimits(new MemoryRateStore(), () => ({ rpm: 2, tpm: null }));
    await limits.admit(caller(null, null, "a"));
    await limits.admit({ userId: "u1", email: "u@x", role: "USER", apiKeyId: null });
    expect((await refusal(limits.admit(caller(null, null, "b")))).message).toContain(
      "Your account's limit of 2 requests per minute",
    );
  });

  it("reads its environment strictly: a typo is an error, not NaN", () => {
    expect(userLimitsFromEnv({})).toEqual({ rpm: 600, tpm: null });
    expect(userLimitsFromEnv({ SWITCHYARD_RATE_LIMIT_RPM: "30", SWITCHYARD_RATE_LIMIT_TPM: "5000" })).toEqual({
      rpm: 30,
      tpm: 5000,
    });
    expect(() => userLimitsFromEnv({ SWITCHYARD_RATE_LIMIT_RPM: "6oo" })).toThrow(
      /SWITCHYARD_RATE_LIMIT_RPM="6oo" must be a whole number/,
    );
  });
});

describe("gateway rate limits (shared store, leases)", () => {
  it("takes slots in leases: a 600 rpm window costs one round trip per 10 requests, concurrent requests share a refill", async () => {
    expect([
      leaseSize(600, null),
      leaseSize(30, null),
      leaseSize(100_000, null),
      leaseSize(600, 5000),
      leaseSize(null, 5000),
    ]).toEqual([10, 1, 20, 1, 1]);
    const store = sharedStore(Date.now);
    const limits = new GatewayLimits(store, () => ({ rpm: 600, tpm: null }));
    const user: Caller = { userId: "u1", email: "u@x", role: "USER", apiKeyId: null };
    await Promise.all(Array.from({ length: 10 }, () => limits.admit(user)));
    expect(store.trips).toBe(1);
    await Promise.all(Array.from({ length: 25 }, () => limits.admit(user)));
    expect(store.trips).toBeLessThanOrEqual(4);
  });

  it("two processes on one window never serve more than the limit; with leases of 1 (small limits) exactly the limit", async () => {
    const now = () => 5_000_000;
    for (const [rpm, requests, least] of [
      [30, 100, 30],
      [1200, 2000, 1200 - 2 * 19],
    ] as const) {
      const store = sharedStore(now);
      const a = new GatewayLimits(store, () => ({ rpm: null, tpm: null }), now);
      const b = new GatewayLimits(store, () => ({ rpm: null, tpm: null }), now);
      const results = await Promise.all(
        Array.from({ length: requests }, (_, i) => admitted((i % 2 ? a : b).admit(caller(rpm, null, `key-${rpm}`)))),
      );
      const served = results.filter(Boolean).length;
      expect(served).toBeLessThanOrEqual(rpm);
      expect(served).toBeGreaterThanOrEqual(least);
      if (rpm === 30) expect(served).toBe(30);
    }
  });

  it("once a window is spent, a process refuses locally until the window ends, then leases again", async () => {
    let t = 0;
    const store = sharedStore(() => t);
    const limits = new GatewayLimits(
      store,
      () => ({ rpm: null, tpm: null }),
      () => t,
    );
    for (let i = 0; i < 3; i++) await limits.admit(caller(3, null));
    const trips = store.trips;
    const err = await refusal(limits.admit(caller(3, null)));
    expect(err.headers["Retry-After"]).toBe("60");
    t += 30_000;
    expect((await refusal(limits.admit(caller(3, null)))).headers["Retry-After"]).toBe("30");
    expect(store.trips).toBe(trips + 1); // the refusal was learnt once, then kept
    t += 30_000;
    await limits.admit(caller(3, null));
  });
});
