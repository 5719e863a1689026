// P6: who a key resolves to is cached in process for at most a second. Changes made through the
// app apply at once in that process; changes made elsewhere (another app process, by hand) within
// a second — revoking a key, disabling a user, changing a role.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { spawnAppProcess, type AppProcess } from "../helpers/app-process.ts";
import { dbKind, sql } from "../setup/test-db.ts";
import { waitUntil } from "../helpers/wait.ts";

let f: GatewayFixture;

beforeAll(async () => {
  f = await startGatewayFixture();
});
afterAll(() => f?.close());

const me = (url: string, key: string) => fetch(`${url}/api/me`, { headers: { Authorization: `Bearer ${key}` } });

describe("in this process", () => {
  it("revoking a key, changing a role and disabling a user through the app apply at once", async () => {
    const c = await f.newCaller("cached");
    expect((await c.call("/api/me")).status).toBe(200);
    const key2 = await c.call("/api/keys", { body: { name: "second" } });
    expect(key2.status).toBe(201);
    const second = f.callAs(key2.json.key);
    expect((await second("/api/me")).status).toBe(200);
    expect((await c.call(`/api/keys/${key2.json.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await second("/api/me")).status).toBe(401);

    expect((await f.asAdmin(`/api/admin/users/${c.id}`, { method: "PATCH", body: { role: "FINANCE" } })).status).toBe(
      200,
    );
    expect((await c.call("/api/me")).json).toMatchObject({ role: "FINANCE" });
    expect((await f.asAdmin(`/api/admin/users/${c.id}`, { method: "PATCH", body: { disabled: true } })).status).toBe(
      200,
    );
    expect((await c.call("/api/me")).status).toBe(401);
  });

  it("a change made behind the app's back is seen within a second, not per request", async () => {
    const c = await f.newCaller("by-hand");
    expect((await c.call("/api/me")).status).toBe(200);
    await sql(f.url, "UPDATE api_keys SET revoked_at = now() WHERE user_id = $1", [c.id]);
    // Still the cached answer right after (the point of the cache: no lookup per request)…
    expect((await c.call("/api/me")).status).toBe(200);
    // …and refused once the second is up.
    await new Promise((r) => setTimeout(r, 1_050));
    expect((await c.call("/api/me")).status).toBe(401);
  });
});

describe.runIf(dbKind() === "postgres")("across two app processes on one PostgreSQL", () => {
  const apps: AppProcess[] = [];
  beforeAll(async () => {
    const env = f.appEnv();
    apps.push(...(await Promise.all([spawnAppProcess(env), spawnAppProcess(env)])));
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill()));
  });

  /** Polls `url` with the key until it answers `status`; returns how long that took. */
  async function until(url: string, key: string, status: number, limitMs = 3_000): Promise<number> {
    const started = Date.now();
    await waitUntil(`${url} to answer ${status}`, async () => (await me(url, key)).status === status, limitMs);
    return Date.now() - started;
  }

  it("revoke, disable and role change made on one process apply on the other within 1 s", async () => {
    const [a, b] = apps as [AppProcess, AppProcess];
    const c = await f.newCaller("two-procs");
    const onA = (path: string, init: RequestInit = {}) =>
      fetch(`${a.url}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${f.adminKey}`, "content-type": "application/json", ...init.headers },
      });

    // Role change on A, seen on B (which had the old role cached).
    expect((await me(b.url, c.key)).status).toBe(200);
    expect(
      (await onA(`/api/admin/users/${c.id}`, { method: "PATCH", body: JSON.stringify({ role: "FINANCE" }) })).status,
    ).toBe(200);
    const started = Date.now();
    for (;;) {
      const body = await (await me(b.url, c.key)).json();
      if (body.role === "FINANCE") break;
      expect(Date.now() - started).toBeLessThan(1_200);
      await new Promise((r) => setTimeout(r, 50));
    }

    // Revoking a key on A.
    const extra = await (
      await fetch(`${a.url}/api/keys`, {
        method: "POST",
        headers: { Authorization: `Bearer ${c.key}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "extra" }),
      })
    ).json();
    expect((await me(b.url, extra.key)).status).toBe(200);
    expect(
      (
        await fetch(`${a.url}/api/keys/${extra.id}`, {
          method: "DELETE",
          headers: { Authorization: `Bearer ${c.key}` },
        })
      ).status,
    ).toBe(204);
    expect(await until(b.url, extra.key, 401)).toBeLessThan(1_200);

    // Disabling the user on A.
    expect(
      (await onA(`/api/admin/users/${c.id}`, { method: "PATCH", body: JSON.stringify({ disabled: true }) })).status,
    ).toBe(200);
    expect(await until(b.url, c.key, 401)).toBeLessThan(1_200);
  });
});
