// Two small things the dashboard relies on: a conversation remembers the power level it is held
// at (PATCH /api/conversations/:id), and GET /api/byok/providers says how many models a key of
// the caller's own would unlock, so the Models page can count them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { createUser } from "../../lib/users/users.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";

let f: GatewayFixture;

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("keyed", { withKey: false });
  await f.addModel("keyed", "mock-a", { level: "ECO" });
  await f.addModel("keyed", "mock-b", { level: "BALANCED" });
  const off = await f.addModel("keyed", "mock-off", { level: "PRECISION" });
  await f.asAdmin(`/api/admin/models/${off.id}`, { method: "PATCH", body: { enabled: false } });
  await f.addProvider("platform");
  await f.addModel("platform", "mock-p");
}, 120_000);
afterAll(() => f?.close());

describe("a conversation's power level", () => {
  it("is stored by PATCH, returned by GET and the list, and does not reorder the list", async () => {
    const older = (await f.asUser("/api/conversations", { body: { title: "older" } })).json;
    const newer = (await f.asUser("/api/conversations", { body: { title: "newer" } })).json;
    expect(older.power_level).toBeNull();

    const patched = await f.asUser(`/api/conversations/${older.id}`, {
      method: "PATCH",
      body: { power_level: "PRECISION" },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toMatchObject({ id: older.id, title: "older", power_level: "PRECISION" });
    expect((await f.asUser(`/api/conversations/${older.id}`)).json.power_level).toBe("PRECISION");

    const list = (await f.asUser("/api/conversations")).json.data as { id: string; power_level: string | null }[];
    // Clicking a level is not activity: the newer conversation stays on top.
    expect(list.map((c) => c.id).slice(0, 2)).toEqual([newer.id, older.id]);
    expect(list.find((c) => c.id === older.id)!.power_level).toBe("PRECISION");
    expect(list.find((c) => c.id === newer.id)!.power_level).toBeNull();

    // A rename still works as before, and keeps the level.
    const renamed = await f.asUser(`/api/conversations/${older.id}`, { method: "PATCH", body: { title: "renamed" } });
    expect(renamed.json).toMatchObject({ title: "renamed", power_level: "PRECISION" });
    // null clears it: the user's default applies again.
    expect(
      (await f.asUser(`/api/conversations/${older.id}`, { method: "PATCH", body: { power_level: null } })).json
        .power_level,
    ).toBeNull();
  });

  it("refuses an unknown level, an empty patch and someone else's conversation", async () => {
    const mine = (await f.asUser("/api/conversations", { body: { title: "mine" } })).json;
    const bad = await f.asUser(`/api/conversations/${mine.id}`, { method: "PATCH", body: { power_level: "TURBO" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe("power_level");
    expect((await f.asUser(`/api/conversations/${mine.id}`, { method: "PATCH", body: {} })).status).toBe(400);
    expect(
      (await f.asAdmin(`/api/conversations/${mine.id}`, { method: "PATCH", body: { power_level: "ECO" } })).status,
    ).toBe(404);
    expect((await f.asUser(`/api/conversations/${mine.id}`)).json.power_level).toBeNull();
  });
});

describe("GET /api/byok/providers", () => {
  it("counts each keyed provider's enabled models and says whether the caller has a key for it", async () => {
    const other = await createUser(f.db, { email: "other@fixture.test", password: "other-password" });
    const asOther = f.callAs((await createApiKey(f.db, other.id, { name: "other" })).key);

    const before = (await asOther("/api/byok/providers")).json.data as Record<string, unknown>[];
    expect(before.find((p) => p.slug === "keyed")).toEqual({
      slug: "keyed",
      name: "keyed",
      has_platform_key: false,
      has_own_key: false,
      models: 2,
    });
    // A provider with a platform key needs no key of the user's own.
    expect(before.find((p) => p.slug === "platform")).toMatchObject({ has_platform_key: true, models: 1 });

    expect((await asOther("/api/byok", { body: { provider: "keyed", api_key: "upstream-secret" } })).status).toBe(201);
    expect(
      ((await asOther("/api/byok/providers")).json.data as Record<string, unknown>[]).find((p) => p.slug === "keyed"),
    ).toMatchObject({ has_own_key: true, models: 2 });
    // Another user's key is not this user's.
    expect(
      ((await f.asUser("/api/byok/providers")).json.data as Record<string, unknown>[]).find((p) => p.slug === "keyed"),
    ).toMatchObject({ has_own_key: false });
  });
});
