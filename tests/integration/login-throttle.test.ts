// Sign-in throttling: through next-auth's real credentials endpoint on the harness, from real
// socket addresses (each client binds its connection to its own loopback address), and at the
// throttle's own interface for what HTTP cannot show quickly (waits, slow-downs, other processes).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLoginThrottle, LOGIN_LIMITS, LoginThrottledError } from "../../lib/auth/login-throttle.ts";
import { createDb, type Db } from "../../lib/db/client.ts";
import { createUser } from "../../lib/users/users.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { httpCall, signIn } from "../harness/sign-in.ts";

const PASSWORD = "the-right-password";
const THROTTLED = /^Too many sign-in attempts/;

let f: GatewayFixture;
let other: Db; // a second pool: "another app process" on the same database
const savedTrustHost = process.env.AUTH_TRUST_HOST;

beforeAll(async () => {
  f = await startGatewayFixture();
  other = createDb(f.url, 2);
  // What `npm start` sets when no NEXTAUTH_URL is configured.
  process.env.AUTH_TRUST_HOST = "true";
  delete process.env.SWITCHYARD_TRUSTED_PROXIES;
});
afterAll(async () => {
  if (savedTrustHost === undefined) delete process.env.AUTH_TRUST_HOST;
  else process.env.AUTH_TRUST_HOST = savedTrustHost;
  await other?.$disconnect();
  await f?.close();
});

const email = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.com`;

async function me(cookie: string | null) {
  const res = await httpCall(`${f.app.url}/api/me`, { headers: cookie ? { cookie } : {} });
  return { status: res.status, email: res.json?.email as string | undefined };
}

describe("sign-in over HTTP", () => {
  it("counts attempts against the connection's address, whatever X-Forwarded-For the client writes", async () => {
    // Password spraying: one guess at each of many accounts, each request claiming another address.
    const errors: (string | null)[] = [];
    for (let i = 0; i <= LOGIN_LIMITS.perAddress; i++) {
      const r = await signIn(f.app.url, email("spray"), "a-guess-123", {
        from: "127.0.0.2",
        forwardedFor: `198.51.100.${i + 1}`,
      });
      errors.push(r.error);
    }
    expect(errors.slice(0, LOGIN_LIMITS.perAddress).every((e) => e === "CredentialsSignin")).toBe(true);
    expect(errors.at(-1)).toMatch(THROTTLED);
    // Claiming to be a proxy's client does not help either.
    expect(
      (
        await signIn(f.app.url, email("spray"), "a-guess-123", {
          from: "127.0.0.2",
          forwardedFor: "203.0.113.1, 127.0.0.9",
        })
      ).error,
    ).toMatch(THROTTLED);
    // Another address is not affected.
    expect((await signIn(f.app.url, email("spray"), "a-guess-123", { from: "127.0.0.3" })).error).toBe(
      "CredentialsSignin",
    );
  });

  it("an attacker failing 20 times from one address does not stop the owner signing in from another", async () => {
    const owner = await createUser(f.db, { email: email("owner"), password: PASSWORD });
    const attacker: (string | null)[] = [];
    for (let i = 0; i < 20; i++)
      attacker.push((await signIn(f.app.url, owner.email, `guess-number-${i}`, { from: "127.0.0.4" })).error);
    // A few honest-looking mistakes are free; then the attacker's address has to wait.
    expect(attacker.slice(0, LOGIN_LIMITS.freeFailuresPerPair)).toEqual(
      Array(LOGIN_LIMITS.freeFailuresPerPair).fill("CredentialsSignin"),
    );
    expect(attacker.at(-1)).toMatch(THROTTLED);
    // While it waits, even the right password is not tried from there (no free oracle).
    expect((await signIn(f.app.url, owner.email, PASSWORD, { from: "127.0.0.4" })).error).toMatch(THROTTLED);

    const signedIn = await signIn(f.app.url, owner.email, PASSWORD, { from: "127.0.0.5" });
    expect(signedIn.error).toBeNull();
    expect(await me(signedIn.cookie)).toEqual({ status: 200, email: owner.email });
  });

  it("successful sign-ins do not use up the address's budget (scripts that sign in often keep working)", async () => {
    const user = await createUser(f.db, { email: email("script"), password: PASSWORD });
    for (let i = 0; i < LOGIN_LIMITS.perAddress + 5; i++) {
      const r = await signIn(f.app.url, user.email, PASSWORD, { from: "127.0.0.6" });
      expect(r.error, `sign-in #${i + 1}`).toBeNull();
    }
    // The failures are still counted.
    expect((await signIn(f.app.url, user.email, "wrong-password", { from: "127.0.0.6" })).error).toBe(
      "CredentialsSignin",
    );
  });
});

describe("the throttle (shared by every app process)", () => {
  it("makes one address wait longer after each further failure on an account; a success clears it", async () => {
    const account = email("backoff");
    const throttle = createLoginThrottle(f.db);
    const elsewhere = createLoginThrottle(other);
    const ip = "192.0.2.10";
    for (let i = 0; i < LOGIN_LIMITS.freeFailuresPerPair; i++) {
      await throttle.check(account, ip);
      await elsewhere.failed(account.toUpperCase(), ip); // same account in any case, any process
    }
    await throttle.check(account, ip);
    await throttle.failed(account, ip);
    const first = await elsewhere.check(account, ip).then(
      () => null,
      (e: unknown) => e,
    );
    expect(first).toBeInstanceOf(LoginThrottledError);
    const firstWait = (first as LoginThrottledError).retryAfterSeconds;
    expect(firstWait).toBeGreaterThan(0);
    expect(firstWait).toBeLessThanOrEqual(LOGIN_LIMITS.firstWaitSeconds);

    await throttle.failed(account, ip); // the attempt made once that wait was over, wrong again
    const second = (await throttle.check(account, ip).then(
      () => null,
      (e: unknown) => e,
    )) as LoginThrottledError;
    expect(second).toBeInstanceOf(LoginThrottledError);
    expect(second.retryAfterSeconds).toBeGreaterThan(firstWait);

    // Other addresses, and this address on other accounts, are unaffected.
    await throttle.check(account, "192.0.2.11");
    await throttle.check(email("bystander"), ip);

    await throttle.succeeded(account, ip);
    await throttle.check(account, ip);
  });

  it("an account attacked from many addresses only slows down, for everyone, and never refuses its owner", async () => {
    const account = email("distributed");
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    const throttle = createLoginThrottle(f.db, { sleep });
    const elsewhere = createLoginThrottle(other, { sleep });
    for (let i = 0; i < LOGIN_LIMITS.accountSlowAfter; i++) {
      const t = i % 2 ? throttle : elsewhere;
      await t.check(account, `198.18.0.${i + 1}`);
      await t.failed(account, `198.18.0.${i + 1}`);
    }
    expect(waits).toEqual([]);
    // The owner, from an address the attackers never used: let in, after a pause.
    await throttle.check(account, "203.0.113.200");
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(LOGIN_LIMITS.accountMaxDelayMs);
    await throttle.succeeded(account, "203.0.113.200");
    // Attackers' failures are not forgiven by the owner's success.
    await elsewhere.check(account, "198.18.1.1");
    expect(waits).toHaveLength(2);
  });
});
