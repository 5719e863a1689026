// Accounts, gateway keys, sessions and sign-in throttling against a real database.
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../../lib/auth/api-keys.ts";
import { resolveCaller } from "../../lib/auth/caller.ts";
import { createLoginThrottle, LoginThrottledError } from "../../lib/auth/login-throttle.ts";
import { createDb, type Db } from "../../lib/db/client.ts";
import { ApiError } from "../../lib/http/errors.ts";
import { createApiKey, revokeApiKey } from "../../lib/keys/api-keys.ts";
import { createFirstAdmin, createUser, updateUser, verifyCredentials } from "../../lib/users/users.ts";
import { createTestDatabase, type TestDatabase } from "../setup/test-db.ts";

const SECRET = "test-session-secret-0123456789abcdef";
const PASSWORD = "correct horse battery";

let database: TestDatabase;
let db: Db;
let other: Db; // a second pool: "another app process" on the same database

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  other = createDb(database.url, 4);
});
afterAll(async () => {
  await other?.$disconnect();
  await database?.drop();
});

let seq = 0;
const uniqueEmail = (tag: string) => `${tag}-${++seq}@example.com`;
const bearer = (key: string) => new Headers({ authorization: `Bearer ${key}` });
const sessionCookie = async (sub: string, secret = SECRET, name = "next-auth.session-token") =>
  new Headers({ cookie: `theme=dark; ${name}=${await encode({ token: { sub }, secret })}` });

async function expectApiError(promise: Promise<unknown>, status: number, code?: string): Promise<ApiError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected an ApiError ${status}, but it succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).status).toBe(status);
  if (code) expect((err as ApiError).code).toBe(code);
  return err as ApiError;
}

// First, while the database has no admin at all.
describe("first-run admin", () => {
  it("two visitors racing on the setup page end with exactly one admin, and later attempts are refused", async () => {
    expect(await db.user.count({ where: { role: "ADMIN" } })).toBe(0);
    const results = await Promise.allSettled([
      createFirstAdmin(db, { email: "first-a@example.com", password: PASSWORD }),
      createFirstAdmin(other, { email: "first-b@example.com", password: PASSWORD }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ status: 409 });
    const admin = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof createFirstAdmin>>>).value;
    expect(admin.role).toBe("ADMIN");
    expect(await db.user.count({ where: { role: "ADMIN" } })).toBe(1);
    expect(await db.user.count()).toBe(1);

    await expectApiError(createFirstAdmin(db, { email: "later@example.com", password: PASSWORD }), 409);
    expect(await db.user.count({ where: { role: "ADMIN" } })).toBe(1);
    expect(await verifyCredentials(db, admin.email, PASSWORD)).toMatchObject({ id: admin.id, role: "ADMIN" });
  });
});

describe("accounts", () => {
  it("sign-in: email is case-insensitive, wrong passwords and unknown emails fail", async () => {
    const user = await createUser(db, { email: "  Alice.Smith@Example.COM ", password: PASSWORD });
    expect(user).toMatchObject({ email: "alice.smith@example.com", role: "USER", disabled: false });
    expect(await verifyCredentials(db, "ALICE.smith@example.com", PASSWORD)).toMatchObject({
      id: user.id,
      email: "alice.smith@example.com",
    });
    expect(await verifyCredentials(db, "alice.smith@example.com", PASSWORD + "!")).toBeNull();
    expect(await verifyCredentials(db, "nobody@example.com", PASSWORD)).toBeNull();
    expect(await verifyCredentials(db, "not an email", PASSWORD)).toBeNull();
    // The result never carries the password hash.
    expect(Object.keys((await verifyCredentials(db, "alice.smith@example.com", PASSWORD))!)).not.toContain(
      "passwordHash",
    );

    await expectApiError(createUser(db, { email: "alice.smith@EXAMPLE.com", password: PASSWORD }), 409);
    expect(await db.user.count({ where: { email: "alice.smith@example.com" } })).toBe(1);
  });

  it("a disabled user cannot sign in until re-enabled", async () => {
    const user = await createUser(db, { email: uniqueEmail("disabled"), password: PASSWORD, role: "FINANCE" });
    await updateUser(db, user.id, { disabled: true });
    expect(await verifyCredentials(db, user.email, PASSWORD)).toBeNull();
    await updateUser(db, user.id, { disabled: false });
    expect(await verifyCredentials(db, user.email, PASSWORD)).toMatchObject({ id: user.id, role: "FINANCE" });
  });

  it("the last active admin cannot be demoted or disabled; with another admin it can", async () => {
    const [current] = await db.user.findMany({ where: { role: "ADMIN", disabled: false } });
    expect(await db.user.count({ where: { role: "ADMIN", disabled: false } })).toBe(1);

    await expectApiError(updateUser(db, current!.id, { role: "USER" }), 409, "last_admin");
    await expectApiError(updateUser(db, current!.id, { disabled: true }), 409, "last_admin");
    // A disabled admin does not count as another admin.
    const dormant = await createUser(db, { email: uniqueEmail("dormant-admin"), password: PASSWORD, role: "ADMIN" });
    await db.user.update({ where: { id: dormant.id }, data: { disabled: true } });
    await expectApiError(updateUser(db, current!.id, { role: "FINANCE" }), 409, "last_admin");
    expect(await db.user.findUnique({ where: { id: current!.id } })).toMatchObject({ role: "ADMIN", disabled: false });

    const second = await createUser(db, { email: uniqueEmail("admin"), password: PASSWORD, role: "ADMIN" });
    expect(await updateUser(db, current!.id, { role: "USER" })).toMatchObject({ role: "USER" });
    // Now `second` is the only one left.
    await expectApiError(updateUser(db, second.id, { disabled: true }), 409, "last_admin");
    // Changes that keep an admin are fine.
    expect(await updateUser(db, second.id, { role: "ADMIN" })).toMatchObject({ role: "ADMIN" });
    expect(await updateUser(db, current!.id, { role: "ADMIN" })).toMatchObject({ role: "ADMIN" });
  });

  it("two admins demoting each other at once: one succeeds, one admin remains", async () => {
    const admins = await db.user.findMany({ where: { role: "ADMIN", disabled: false }, orderBy: { email: "asc" } });
    expect(admins).toHaveLength(2);
    const results = await Promise.allSettled([
      updateUser(db, admins[0]!.id, { role: "USER" }),
      updateUser(other, admins[1]!.id, { disabled: true }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ status: 409, code: "last_admin" });
    expect(await db.user.count({ where: { role: "ADMIN", disabled: false } })).toBe(1);
  });
});

describe("resolveCaller", () => {
  it("a gateway key resolves to its owner and role, read fresh on every call", async () => {
    const owner = await createUser(db, { email: uniqueEmail("keyowner"), password: PASSWORD });
    const created = await createApiKey(db, owner.id, { name: "laptop" });
    expect(created.key).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    // Only a hash is stored.
    const stored = await db.apiKey.findUnique({ where: { id: created.id } });
    expect(JSON.stringify(stored, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(created.key);

    expect(await resolveCaller(db, bearer(created.key), SECRET)).toEqual({
      userId: owner.id,
      email: owner.email,
      role: "USER",
      apiKeyId: created.id,
      fences: null,
      keyPrefix: created.prefix,
    });
    expect((await db.apiKey.findUnique({ where: { id: created.id } }))!.lastUsedAt).toBeInstanceOf(Date);
    // Case-insensitive scheme, surrounding whitespace.
    expect(await resolveCaller(db, new Headers({ authorization: `  bearer   ${created.key} ` }), SECRET)).toMatchObject(
      { userId: owner.id },
    );

    await updateUser(db, owner.id, { role: "FINANCE" });
    expect(await resolveCaller(other, bearer(created.key), SECRET)).toMatchObject({
      userId: owner.id,
      role: "FINANCE",
    });
  });

  it("revoked, expired, unknown and malformed keys are 401, never a fallback to the session", async () => {
    const owner = await createUser(db, { email: uniqueEmail("keys"), password: PASSWORD });
    const revoked = await createApiKey(db, owner.id, { name: "revoked" });
    await revokeApiKey(db, owner.id, revoked.id);
    await expectApiError(resolveCaller(db, bearer(revoked.key), SECRET), 401, "unauthorized");

    const expiring = await createApiKey(db, owner.id, {
      name: "expiring",
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(await resolveCaller(db, bearer(expiring.key), SECRET)).toMatchObject({ userId: owner.id });
    await db.apiKey.update({ where: { id: expiring.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    // Changed behind the app's back (as another process would): seen once the identity cache's 1 s is up.
    await new Promise((r) => setTimeout(r, 1_100));
    await expectApiError(resolveCaller(db, bearer(expiring.key), SECRET), 401);
    // Keys cannot be created already expired.
    await expectApiError(
      createApiKey(db, owner.id, { name: "past", expires_at: new Date(Date.now() - 1000).toISOString() }),
      400,
    );

    await expectApiError(resolveCaller(db, bearer(generateApiKey().key), SECRET), 401);
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "Token sk-sy-abc"]) {
      await expectApiError(resolveCaller(db, new Headers({ authorization }), SECRET), 401);
    }

    // A valid session cookie next to a bad key does not rescue the request.
    const headers = await sessionCookie(owner.id);
    headers.set("authorization", `Bearer ${revoked.key}`);
    await expectApiError(resolveCaller(db, headers, SECRET), 401);
  });

  it("a disabled owner's keys stop working at once", async () => {
    const owner = await createUser(db, { email: uniqueEmail("disabled-owner"), password: PASSWORD });
    const { key } = await createApiKey(db, owner.id, { name: "k" });
    expect(await resolveCaller(db, bearer(key), SECRET)).toMatchObject({ userId: owner.id });
    await updateUser(db, owner.id, { disabled: true });
    await expectApiError(resolveCaller(db, bearer(key), SECRET), 401);
    await updateUser(db, owner.id, { disabled: false });
    expect(await resolveCaller(db, bearer(key), SECRET)).toMatchObject({ userId: owner.id });
  });

  it("a next-auth session cookie resolves to its user; a wrong secret, no cookie or a disabled user does not", async () => {
    const user = await createUser(db, { email: uniqueEmail("session"), password: PASSWORD, role: "FINANCE" });
    expect(await resolveCaller(db, await sessionCookie(user.id), SECRET)).toEqual({
      userId: user.id,
      email: user.email,
      role: "FINANCE",
      apiKeyId: null,
    });
    expect(
      await resolveCaller(db, await sessionCookie(user.id, SECRET, "__Secure-next-auth.session-token"), SECRET),
    ).toMatchObject({ userId: user.id });

    expect(
      await resolveCaller(db, await sessionCookie(user.id, "some-other-secret-0123456789abcdef"), SECRET),
    ).toBeNull();
    expect(await resolveCaller(db, new Headers({ cookie: "next-auth.session-token=garbage" }), SECRET)).toBeNull();
    expect(await resolveCaller(db, new Headers(), SECRET)).toBeNull();
    expect(await resolveCaller(db, await sessionCookie("00000000-0000-7000-8000-000000000000"), SECRET)).toBeNull();

    await updateUser(db, user.id, { disabled: true });
    expect(await resolveCaller(db, await sessionCookie(user.id), SECRET)).toBeNull();
  });
});

describe("login throttle", () => {
  // More in login-throttle.test.ts.
  it("locks an address after its attempt limit, whichever accounts it tries", async () => {
    const throttle = createLoginThrottle(db, { limits: { perAddress: 3 } });
    const elsewhere = createLoginThrottle(other, { limits: { perAddress: 3 } });
    const ip = "203.0.113.7";
    await throttle.check(uniqueEmail("spray"), ip);
    await elsewhere.check(uniqueEmail("spray"), ip);
    await throttle.check(uniqueEmail("spray"), ip);
    await expect(throttle.check(uniqueEmail("spray"), ip)).rejects.toBeInstanceOf(LoginThrottledError);
    await expect(elsewhere.check(uniqueEmail("spray"), ip)).rejects.toBeInstanceOf(LoginThrottledError);
    // Another address is not affected.
    await throttle.check(uniqueEmail("spray"), "203.0.113.8");
  });
});
