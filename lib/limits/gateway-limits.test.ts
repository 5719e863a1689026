import { describe, expect, it } from "vitest";
import { ApiError } from "../http/errors.ts";
import { GatewayLimits, userLimitsFromEnv } from "./gateway-limits.ts";
import { MemoryRateStore } from "./memory-store.ts";
import type { Caller } from "../auth/caller.ts";

const fences = { monthlyLimitMicros: null, allowedLevels: null, allowedModels: null, allowedProviders: null, allowedModelList: [], routingProfile: null };
const caller = (rpm: number | null, tpm: number | null, key = "k1"): Caller => ({ userId: "u1", email: "u@x", role: "USER", apiKeyId: key, fences: { ...fences, rpm, tpm } });

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(() => null, (e: unknown) => e);
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
    expect((await refusal(limits.admit(caller(null, 100)))).message).toContain("limit of 100 tokens per minute is spent (100 used in this window)");
    // Another key of the same user has its own window.
    await limits.admit(caller(null, 100, "k2"));
    now += 60_000;
    await limits.admit(caller(null, 100));
  });

  it("the user's limit applies to every key and the session alike", async () => {
    const limits = new GatewayLimits(new MemoryRateStore(), () => ({ rpm: 2, tpm: null }));
    await limits.admit(caller(null, null, "a"));
    await limits.admit({ userId: "u1", email: "u@x", role: "USER", apiKeyId: null });
    expect((await refusal(limits.admit(caller(null, null, "b")))).message).toContain("Your account's limit of 2 requests per minute");
  });

  it("reads its environment strictly: a typo is an error, not NaN", () => {
    expect(userLimitsFromEnv({})).toEqual({ rpm: 600, tpm: null });
    expect(userLimitsFromEnv({ SWITCHYARD_RATE_LIMIT_RPM: "30", SWITCHYARD_RATE_LIMIT_TPM: "5000" })).toEqual({ rpm: 30, tpm: 5000 });
    expect(() => userLimitsFromEnv({ SWITCHYARD_RATE_LIMIT_RPM: "6oo" })).toThrow(/6oo is not a positive whole number/);
  });
});
