// BYOK you can trust (P8): a key is checked against the provider's model list before it is stored
// (accepted → verified; refused → not stored, 400 with the provider's scrubbed reason; provider
// unreachable → not stored, 424, unless the caller keeps it unverified), a key the provider later
// refuses is marked invalid (routing stops using it, the Keys page says why), and an admin sets
// the BYOK fee that users are shown before they add a key.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCallerKeys, markByokInvalid } from "../../lib/byok/byok.ts";
import { BYOK_FEE_SETTING, byokFeeBasisPoints } from "../../lib/byok/fee.ts";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { getSetting, setSetting } from "../../lib/system/settings.ts";
import { createUser } from "../../lib/users/users.ts";
import { startGatewayFixture, type FixtureCaller, type GatewayFixture } from "../harness/gateway-fixture.ts";

let f: GatewayFixture;
let down: Server;
let downUrl = "";
let closedUrl = "";
let financeKey = "";
const GOOD = "upstream-secret"; // the fixture's mock accepts exactly this key

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A provider through the admin API, needing the user's key (no platform key). */
async function provider(
  slug: string,
  name: string,
  baseUrl: string,
  kind: "openai-compatible" | "anthropic" = "openai-compatible",
) {
  const res = await f.asAdmin("/api/admin/providers", {
    body: { slug, name, kind, base_url: baseUrl, requires_key: true, priority: 50, region: "us" },
  });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string };
}

const byokOf = async (c: FixtureCaller, slug: string) =>
  ((await c.call("/api/byok")).json.data as Record<string, unknown>[]).find((k) => k.provider === slug);

beforeAll(async () => {
  f = await startGatewayFixture();
  await provider("vk", "Verify Mock", `${f.mock.url}/v1`);
  await f.addModel("vk", "vk-model", { level: "BALANCED" });
  await provider("vk-ant", "Verify Anthropic", f.mock.url, "anthropic");
  // A port nothing listens on: opened, read, closed.
  const probe = createServer();
  closedUrl = `${await listen(probe)}/v1`;
  await new Promise((resolve) => probe.close(resolve));
  await provider("vk-closed", "Closed Port", closedUrl);
  down = createServer((_req, res) => {
    res.writeHead(503, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "overloaded, try later" } }));
  });
  downUrl = `${await listen(down)}/v1`;
  await provider("vk-503", "Down Provider", downUrl);
  const finance = await createUser(f.db, {
    email: `finance-${randomUUID().slice(0, 8)}@test.example`,
    password: "finance-password",
    role: "FINANCE",
  });
  financeKey = (await createApiKey(f.db, finance.id, { name: "finance" })).key;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => down?.close(resolve));
  await f?.close();
});

describe("adding a key checks it with the provider first", () => {
  it("stores a key the provider's model list accepts as verified (OpenAI-compatible: Bearer on /models)", async () => {
    const c = await f.newCaller("accepted");
    f.mock.clearRequests();
    const before = Date.now();
    const res = await c.call("/api/byok", { body: { provider: "vk", api_key: GOOD } });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({
      provider: "vk",
      provider_name: "Verify Mock",
      status: "verified",
      invalid_at: null,
      invalid_reason: null,
    });
    expect(Date.parse(res.json.verified_at)).toBeGreaterThanOrEqual(before - 1000);
    const asked = f.mock.requests.filter((r) => r.path === "/v1/models");
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({
      method: "GET",
      headers: expect.objectContaining({ authorization: `Bearer ${GOOD}` }),
    });
    expect(await byokOf(c, "vk")).toMatchObject({
      id: res.json.id,
      status: "verified",
      verified_at: res.json.verified_at,
    });
  });

  it("asks Anthropic's /v1/models with x-api-key and anthropic-version", async () => {
    const c = await f.newCaller("anthropic");
    f.mock.clearRequests();
    const res = await c.call("/api/byok", { body: { provider: "vk-ant", api_key: GOOD } });
    expect(res.status, res.text).toBe(201);
    expect(res.json.status).toBe("verified");
    const asked = f.mock.requests.find((r) => r.path === "/v1/models")!;
    expect(asked.headers).toMatchObject({ "x-api-key": GOOD, "anthropic-version": "2023-06-01" });
    expect(asked.headers.authorization).toBeUndefined();
  });

  it("refuses a key the provider rejects with 400 byok_key_rejected, its reason scrubbed, and stores nothing", async () => {
    const c = await f.newCaller("refused");
    const wrong = `sk-wrong-${randomUUID().replace(/-/g, "")}`;
    const res = await c.call("/api/byok", { body: { provider: "vk", api_key: wrong } });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error).toMatchObject({ code: "byok_key_rejected", param: "api_key" });
    // The mock echoes the key it was given in its 401; the message names the provider, the status and the reason, never the key.
    expect(res.json.error.message).toMatch(/^Verify Mock refused this key \(HTTP 401: invalid api key: \[redacted\]\)/);
    expect(res.text).not.toContain(wrong.slice(9));
    expect(await byokOf(c, "vk")).toBeUndefined();
    expect(await f.db.userProviderKey.count({ where: { userId: c.id } })).toBe(0);
    // save_unverified does not keep a key the provider refused.
    expect(
      (await c.call("/api/byok", { body: { provider: "vk", api_key: wrong, save_unverified: true } })).json.error.code,
    ).toBe("byok_key_rejected");
    expect(await f.db.userProviderKey.count({ where: { userId: c.id } })).toBe(0);
  });

  it("keeps the working key when a replacement is refused", async () => {
    const c = await f.newCaller("replace-refused");
    const first = await c.call("/api/byok", { body: { provider: "vk", api_key: GOOD } });
    expect(first.status).toBe(201);
    expect((await c.call("/api/byok", { body: { provider: "vk", api_key: "sk-not-the-right-one-123" } })).status).toBe(
      400,
    );
    expect(await byokOf(c, "vk")).toMatchObject({
      id: first.json.id,
      key_prefix: first.json.key_prefix,
      status: "verified",
    });
    expect((await loadCallerKeys(f.db, c.id)).size).toBe(1);
  });

  it("answers 424 provider_unreachable for a closed port, then stores the key unverified when asked to", async () => {
    const c = await f.newCaller("unreachable");
    const key = `sk-unreachable-${randomUUID().slice(0, 8)}`;
    const res = await c.call("/api/byok", { body: { provider: "vk-closed", api_key: key } });
    expect(res.status, res.text).toBe(424);
    expect(res.json.error).toMatchObject({
      code: "provider_unreachable",
      message: `Could not reach Closed Port (connection refused at ${closedUrl}) to check the key. Save it unverified?`,
    });
    expect(await f.db.userProviderKey.count({ where: { userId: c.id } })).toBe(0);
    expect(
      (await c.call("/api/byok", { body: { provider: "vk-closed", api_key: key, save_unverified: false } })).status,
    ).toBe(424);

    const kept = await c.call("/api/byok", { body: { provider: "vk-closed", api_key: key, save_unverified: true } });
    expect(kept.status, kept.text).toBe(201);
    expect(kept.json).toMatchObject({
      provider: "vk-closed",
      status: "unverified",
      verified_at: null,
      invalid_at: null,
    });
    expect(await byokOf(c, "vk-closed")).toMatchObject({ id: kept.json.id, status: "unverified", verified_at: null });
  });

  it("answers 424 when the provider answers 5xx, saying so", async () => {
    const c = await f.newCaller("down");
    const res = await c.call("/api/byok", { body: { provider: "vk-503", api_key: "sk-down-provider-key" } });
    expect(res.status, res.text).toBe(424);
    expect(res.json.error).toMatchObject({
      code: "provider_unreachable",
      message: `Could not reach Down Provider (HTTP 503 at ${downUrl}) to check the key. Save it unverified?`,
    });
    expect(await f.db.userProviderKey.count({ where: { userId: c.id } })).toBe(0);
  });

  it("refuses a key with spaces or non-ASCII characters before asking anyone", async () => {
    const c = await f.newCaller("malformed");
    f.mock.clearRequests();
    for (const api_key of ["sk-has a space-123", "sk-ünïcode-12345"]) {
      const res = await c.call("/api/byok", { body: { provider: "vk", api_key } });
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({
        code: "invalid_request",
        param: "api_key",
        message: "API key can only hold letters, digits and symbols, without spaces",
      });
    }
    expect(f.mock.requests.filter((r) => r.path === "/v1/models")).toHaveLength(0);
  });
});

describe("a key the provider refuses in traffic", () => {
  it("is marked invalid: left out of routing at once, shown with the time and a reason without key text; replacing it restores it", async () => {
    const c = await f.newCaller("invalid");
    const added = await c.call("/api/byok", { body: { provider: "vk", api_key: GOOD } });
    expect(added.status).toBe(201);
    const providerId = (await f.db.provider.findUniqueOrThrow({ where: { slug: "vk" } })).id;
    const models = async () => ((await c.call("/api/v1/models")).json.data as { id: string }[]).map((m) => m.id);
    expect(await models()).toContain("vk/vk-model");
    expect((await loadCallerKeys(f.db, c.id)).has(providerId)).toBe(true);

    const leaked = `sk-proj-${randomUUID().replace(/-/g, "")}`;
    const before = Date.now();
    expect(
      await markByokInvalid(
        f.db,
        added.json.id,
        `Incorrect API key provided: ${leaked}. (Authorization: Bearer ${leaked})`,
        { secrets: [leaked] },
      ),
    ).toBe(true);

    // Routing no longer sees the key (vk has no platform key, so its model is not offered).
    expect((await loadCallerKeys(f.db, c.id)).has(providerId)).toBe(false);
    expect(await models()).not.toContain("vk/vk-model");
    const shown = await byokOf(c, "vk");
    expect(shown).toMatchObject({ id: added.json.id, status: "invalid", verified_at: added.json.verified_at });
    expect(Date.parse(String(shown!.invalid_at))).toBeGreaterThanOrEqual(before - 1000);
    expect(shown!.invalid_reason).toMatch(/^Incorrect API key provided: \[redacted\]/);
    expect(JSON.stringify(shown)).not.toContain(leaked.slice(8));
    // The Models page no longer counts it as a key the user has.
    const keyed = ((await c.call("/api/byok/providers")).json.data as { slug: string; has_own_key: boolean }[]).find(
      (p) => p.slug === "vk",
    );
    expect(keyed?.has_own_key).toBe(false);

    // Replacing the key clears the mark.
    const replaced = await c.call("/api/byok", { body: { provider: "vk", api_key: GOOD } });
    expect(replaced.status).toBe(201);
    expect(replaced.json).toMatchObject({
      id: added.json.id,
      status: "verified",
      invalid_at: null,
      invalid_reason: null,
    });
    expect(await models()).toContain("vk/vk-model");
  });

  it("is not marked when the key was replaced while the failing request was in flight", async () => {
    const c = await f.newCaller("raced");
    const added = await c.call("/api/byok", { body: { provider: "vk", api_key: GOOD } });
    const old = (await f.db.userProviderKey.findUniqueOrThrow({ where: { id: added.json.id } })).ciphertext;
    await c.call("/api/byok", { body: { provider: "vk", api_key: GOOD } }); // sealed anew: a new ciphertext
    expect(await markByokInvalid(f.db, added.json.id, "refused", { ciphertext: old })).toBe(false);
    expect((await byokOf(c, "vk"))!.status).toBe("verified");
    expect(await markByokInvalid(f.db, added.json.id, "")).toBe(true);
    expect((await byokOf(c, "vk"))!.invalid_reason).toBe("The provider refused the key");
  });
});

describe("the BYOK fee", () => {
  it("starts at 0, is set by an admin in percent, stored in basis points and shown to users", async () => {
    expect((await f.asAdmin("/api/admin/settings")).json).toEqual({ signup_enabled: true, byok_fee_percent: 0 });
    expect((await f.asUser("/api/byok/providers")).json.byok_fee_percent).toBe(0);

    const set = await f.asAdmin("/api/admin/settings", { method: "PATCH", body: { byok_fee_percent: 5.25 } });
    expect(set.status, set.text).toBe(200);
    expect(set.json).toEqual({ signup_enabled: true, byok_fee_percent: 5.25 });
    expect(await getSetting(f.db, BYOK_FEE_SETTING, null)).toBe(525);
    expect(await byokFeeBasisPoints(f.db)).toBe(525);
    expect((await f.asUser("/api/byok/providers")).json.byok_fee_percent).toBe(5.25);

    // Changing sign-up alone keeps the fee, and the other way round.
    expect((await f.asAdmin("/api/admin/settings", { method: "PATCH", body: { signup_enabled: false } })).json).toEqual(
      { signup_enabled: false, byok_fee_percent: 5.25 },
    );
    expect(
      (await f.asAdmin("/api/admin/settings", { method: "PATCH", body: { signup_enabled: true, byok_fee_percent: 0 } }))
        .json,
    ).toEqual({ signup_enabled: true, byok_fee_percent: 0 });
    expect(await byokFeeBasisPoints(f.db)).toBe(0);
  });

  it("may be changed by admins only", async () => {
    await f.asAdmin("/api/admin/settings", { method: "PATCH", body: { byok_fee_percent: 3 } });
    for (const key of [f.userKey, financeKey]) {
      const as = f.callAs(key);
      expect(
        (await as("/api/admin/settings", { method: "PATCH", body: { byok_fee_percent: 50 } })).json.error.code,
      ).toBe("forbidden");
      expect((await as("/api/admin/settings")).status).toBe(403);
    }
    expect(await byokFeeBasisPoints(f.db)).toBe(300);
  });

  it("refuses values outside 0..100 or with more than 2 decimals, naming the field", async () => {
    await f.asAdmin("/api/admin/settings", { method: "PATCH", body: { byok_fee_percent: 3 } });
    const cases: [unknown, string][] = [
      [-1, "BYOK fee must be 0 % or more"],
      [100.01, "BYOK fee must be at most 100 %"],
      [1.234, "BYOK fee can have at most 2 decimals"],
      ["5", "BYOK fee must be a number"],
      [null, "BYOK fee is required"],
    ];
    for (const [value, message] of cases) {
      const res = await f.asAdmin("/api/admin/settings", { method: "PATCH", body: { byok_fee_percent: value } });
      expect(res.status, JSON.stringify(value)).toBe(400);
      expect(res.json.error).toMatchObject({ code: "invalid_request", param: "byok_fee_percent", message });
    }
    expect((await f.asAdmin("/api/admin/settings", { method: "PATCH", body: {} })).status).toBe(400);
    expect(await byokFeeBasisPoints(f.db)).toBe(300);
  });

  it("is read through a 1 s cache: another process's change shows within a second", async () => {
    await f.asAdmin("/api/admin/settings", { method: "PATCH", body: { byok_fee_percent: 1 } });
    expect(await byokFeeBasisPoints(f.db)).toBe(100);
    await setSetting(f.db, BYOK_FEE_SETTING, 200); // as another process would: this one's cache is not told
    expect(await byokFeeBasisPoints(f.db)).toBe(100);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await byokFeeBasisPoints(f.db)).toBe(200);
    await f.asAdmin("/api/admin/settings", { method: "PATCH", body: { byok_fee_percent: 0 } });
  });
});
