import { describe, expect, it } from "vitest";
import { accountDelayMs, addressKey, LOGIN_LIMITS, LoginThrottledError, pairWaitSeconds } from "./login-throttle";

describe("pairWaitSeconds", () => {
  it("lets a few failures go, then doubles the wait after each further one, up to a ceiling", () => {
    const free = LOGIN_LIMITS.freeFailuresPerPair;
    for (let n = 0; n <= free; n++) expect(pairWaitSeconds(n)).toBe(0);
    expect(pairWaitSeconds(free + 1)).toBe(LOGIN_LIMITS.firstWaitSeconds);
    expect(pairWaitSeconds(free + 2)).toBe(2 * LOGIN_LIMITS.firstWaitSeconds);
    expect(pairWaitSeconds(free + 3)).toBe(4 * LOGIN_LIMITS.firstWaitSeconds);
    expect(pairWaitSeconds(free + 50)).toBe(LOGIN_LIMITS.maxWaitSeconds);
    expect(pairWaitSeconds(Number.MAX_SAFE_INTEGER)).toBe(LOGIN_LIMITS.maxWaitSeconds);
  });
});

describe("accountDelayMs", () => {
  it("slows an account only past its ceiling, a little more per failure, and never by more than a few seconds", () => {
    expect(accountDelayMs(LOGIN_LIMITS.accountSlowAfter - 1)).toBe(0);
    expect(accountDelayMs(LOGIN_LIMITS.accountSlowAfter)).toBe(LOGIN_LIMITS.accountDelayMs);
    expect(accountDelayMs(LOGIN_LIMITS.accountSlowAfter + 1)).toBe(2 * LOGIN_LIMITS.accountDelayMs);
    expect(accountDelayMs(1_000_000)).toBe(LOGIN_LIMITS.accountMaxDelayMs);
  });
});

describe("addressKey", () => {
  it("counts an IPv4 client by its address, however it is written", () => {
    expect(addressKey("203.0.113.7")).toBe("203.0.113.7");
    expect(addressKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });
  it("counts an IPv6 client by its /64, which it can pick any address from", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe(addressKey("2001:db8:1:2::9"));
    expect(addressKey("2001:db8:1:3::1")).not.toBe(addressKey("2001:db8:1:2::1"));
  });
});

describe("LoginThrottledError", () => {
  it("tells the user how long to wait in words", () => {
    expect(new LoginThrottledError(29.2).message).toBe("Too many sign-in attempts. Try again in 30 seconds.");
    expect(new LoginThrottledError(14 * 60 + 3).message).toBe("Too many sign-in attempts. Try again in 15 minutes.");
  });
});
