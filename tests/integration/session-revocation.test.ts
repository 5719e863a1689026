// Sessions end when what they were granted on changes: a new password (except in the browser that
// set it), a new role, disabling, or ADMIN_PASSWORD at start. Sessions come from next-auth's real
// sign-in over HTTP; /api/me is what any page or API call would see.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, upsertUser } from "../../lib/users/users.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { cookieHeader, httpCall, signIn } from "../harness/sign-in.ts";

const PASSWORD = "first-password-1";
const NEW_PASSWORD = "second-password-2";

let f: GatewayFixture;
const savedTrustHost = process.env.AUTH_TRUST_HOST;

beforeAll(async () => {
  f = await startGatewayFixture();
  process.env.AUTH_TRUST_HOST = "true";
});
afterAll(async () => {
  if (savedTrustHost === undefined) delete process.env.AUTH_TRUST_HOST;
  else process.env.AUTH_TRUST_HOST = savedTrustHost;
  await f?.close();
});

const email = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.com`;

async function me(cookie: string | null) {
  const res = await httpCall(`${f.app.url}/api/me`, { headers: cookie ? { cookie } : {} });
  return res.status;
}

async function session(address: string, password = PASSWORD): Promise<string> {
  const r = await signIn(f.app.url, address, password);
  if (r.error || !r.cookie) throw new Error(`sign-in as ${address} failed: ${r.error}`);
  return r.cookie;
}

/** The session cookie a response sets (`__Secure-` when next-auth believes the origin is https). */
const renewedCookie = (setCookies: string[]) =>
  cookieHeader(setCookies.filter((c) => /^(__Secure-)?next-auth\.session-token=/.test(c)));

/** PUT /api/account/password as the signed-in browser would send it. */
function changePassword(cookie: string, current: string, next: string) {
  return httpCall(`${f.app.url}/api/account/password`, {
    method: "PUT",
    headers: { cookie, origin: f.app.url, "content-type": "application/json" },
    body: JSON.stringify({ current_password: current, new_password: next }),
  });
}

describe("session revocation", () => {
  it("changing the password ends every other session; the browser that changed it stays signed in", async () => {
    const user = await createUser(f.db, { email: email("changer"), password: PASSWORD });
    const here = await session(user.email);
    const laptop = await session(user.email);
    expect([await me(here), await me(laptop)]).toEqual([200, 200]);
    // A wrong current password changes nothing, so it ends nothing.
    expect((await changePassword(here, "not-the-password", NEW_PASSWORD)).status).toBe(400);
    expect([await me(here), await me(laptop)]).toEqual([200, 200]);

    const res = await changePassword(here, PASSWORD, NEW_PASSWORD);
    expect(res.status).toBe(204);
    const renewed = renewedCookie(res.setCookies);
    expect(renewed).not.toBe("");

    expect(await me(renewed)).toBe(200);
    expect(await me(laptop)).toBe(401);
    expect(await me(here)).toBe(401); // the cookie value the browser has just replaced
    expect((await signIn(f.app.url, user.email, PASSWORD)).error).toBe("CredentialsSignin");
    expect(await me(await session(user.email, NEW_PASSWORD))).toBe(200);
  });

  it("an admin's role change or disabling ends that user's sessions, even after re-enabling", async () => {
    const user = await createUser(f.db, { email: email("managed"), password: PASSWORD });
    const patch = (body: object) => f.asAdmin(`/api/admin/users/${user.id}`, { method: "PATCH", body });

    const before = await session(user.email);
    // Saving the same role changes nothing, so it ends nothing.
    expect((await patch({ role: "USER" })).status).toBe(200);
    expect(await me(before)).toBe(200);

    expect((await patch({ role: "FINANCE" })).status).toBe(200);
    expect(await me(before)).toBe(401);

    const afterRoleChange = await session(user.email);
    expect(await me(afterRoleChange)).toBe(200);
    expect((await patch({ disabled: true })).status).toBe(200);
    expect((await patch({ disabled: false })).status).toBe(200);
    expect(await me(afterRoleChange)).toBe(401);
    expect(await me(await session(user.email))).toBe(200);
  });

  it("an admin who changes their own role stays signed in in that browser, and only there", async () => {
    const admin = await createUser(f.db, { email: email("self-demoting"), password: PASSWORD, role: "ADMIN" });
    const here = await session(admin.email);
    const elsewhere = await session(admin.email);
    const res = await httpCall(`${f.app.url}/api/admin/users/${admin.id}`, {
      method: "PATCH",
      headers: { cookie: here, origin: f.app.url, "content-type": "application/json" },
      body: JSON.stringify({ role: "USER" }),
    });
    expect(res.status).toBe(200);
    const renewed = renewedCookie(res.setCookies);
    const meAs = async (cookie: string) => (await httpCall(`${f.app.url}/api/me`, { headers: { cookie } })).json;
    expect(await meAs(renewed)).toMatchObject({ email: admin.email, role: "USER" });
    expect(await me(elsewhere)).toBe(401);
    expect(await me(here)).toBe(401);
  });

  it("ADMIN_PASSWORD at start ends the admin's sessions when it changes the password, not on every restart", async () => {
    const admin = { email: email("env-admin"), password: PASSWORD, role: "ADMIN" as const };
    await upsertUser(f.db, admin);
    const cookie = await session(admin.email);
    await upsertUser(f.db, admin); // a restart with the same settings
    expect(await me(cookie)).toBe(200);
    await upsertUser(f.db, { ...admin, password: NEW_PASSWORD });
    expect(await me(cookie)).toBe(401);
    expect(await me(await session(admin.email, NEW_PASSWORD))).toBe(200);
  });
});
