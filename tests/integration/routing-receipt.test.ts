// P5 §2 and §3: each request's routing decision is recorded with it (a receipt that stays true
// after rules and credits change), and a level served below the one asked for says why, in the
// receipt and in X-Routing-Reason, naming failed BYOK providers.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { startMockUpstream } from "../doubles/mock-upstream.ts";
import { startGatewayFixture, type FixtureCaller, type GatewayFixture } from "../harness/gateway-fixture.ts";

let f: GatewayFixture;

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("cheap", { priority: 90 });
  await f.addModel("cheap", "mock-free", { level: "ECO", input: 0, output: 0, quality: 6 });
  await f.addProvider("mid", { priority: 80 });
  await f.addModel("mid", "mock-mid", { level: "BALANCED", input: 1, output: 2, quality: 8 });
  await f.addProvider("top", { priority: 70 });
  await f.addModel("top", "mock-top", { level: "PRECISION", input: 5, output: 20, quality: 9.7 });
});
beforeEach(() => f.mock.resetBehavior());
afterAll(() => f?.close());

const newCaller = (label: string, grantMicros = 0): Promise<Caller> => f.newCaller(label, grantMicros);

type Caller = FixtureCaller;
const chat = (c: Caller, body: Record<string, unknown>) =>
  c.call("/api/v1/chat/completions", { body: { messages: [{ role: "user", content: "write a function" }], ...body } });
const receiptOf = async (c: Caller, requestId: string | null) =>
  (await c.call(`/api/usage/requests/${requestId}`)).json;

describe("the routing receipt", () => {
  it("records the rule that sent a reply to PRECISION, by name, and keeps saying so after the rule is deleted", async () => {
    const c = await newCaller("coder", 5_000_000);
    for (const stream of [false, true]) {
      const rule = await f.asAdmin("/api/admin/routing-rules", {
        body: {
          name: "code goes to precision",
          conditions: { task_type: "code" },
          actions: { force_power_level: "PRECISION" },
        },
      });
      expect(rule.status, rule.text).toBe(201);
      const res = await chat(c, { model: "auto", task_type: "code", stream });
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get("x-power-level")).toBe("PRECISION");
      const requestId = res.headers.get("x-request-id");
      expect((await f.asAdmin(`/api/admin/routing-rules/${rule.json.id}`, { method: "DELETE" })).status).toBe(204);

      const usage = await receiptOf(c, requestId);
      expect(usage.receipt).toMatchObject({
        v: 1,
        requested_power_level: "BALANCED",
        served_power_level: "PRECISION",
        downgrade: null,
        rules: [{ id: rule.json.id, name: "code goes to precision" }],
        task_type: "code",
        candidates: [expect.objectContaining({ model: "top/mock-top", outcome: "served", status: 200 })],
        max_tokens: 1024,
        max_tokens_capped: null,
      });
      expect(usage.receipt.catalog_version).toMatch(/^[0-9a-f]{12}$/);
      // Money: what was held bounds what was settled, which is what the ledger charged.
      expect(usage.receipt.settled_usd).toBe(usage.cost_usd);
      expect(usage.receipt.held_usd).toBeGreaterThanOrEqual(usage.receipt.settled_usd);
      expect(usage.receipt.settled_usd).toBeGreaterThan(0);
      expect(usage.receipt.precision_usd).toBe(usage.receipt.settled_usd);
      // Re-asking the router now (rule gone) would say BALANCED: the receipt does not.
      const now = await c.call("/api/v1/route", {
        body: { model: "auto", task_type: "code", messages: [{ role: "user", content: "write a function" }] },
      });
      expect(now.json.power_level).toBe("BALANCED");
    }
  });

  it("lists what was excluded and why, and the capped max_tokens", async () => {
    const c = await newCaller("short", 3_000);
    const res = await chat(c, { model: "balanced", max_tokens: 4000 });
    expect(res.status, res.text).toBe(200);
    const { receipt } = await receiptOf(c, res.headers.get("x-request-id"));
    expect(receipt.max_tokens_capped).toBe(Number(res.headers.get("x-max-tokens-capped")));
    expect(receipt.max_tokens).toBe(receipt.max_tokens_capped);
    expect(receipt.excluded_total).toBeGreaterThanOrEqual(0);
    for (const e of receipt.excluded) expect(e).toEqual({ model: expect.any(String), reason: expect.any(String) });
  });
});

describe("downgrades say so where they happen", () => {
  it("a new user with $0 asking for PRECISION is told, in the header and the receipt, that credits don't cover it", async () => {
    const c = await newCaller("broke");
    const res = await chat(c, { model: "precision" });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("x-power-level")).toBe("ECO");
    expect(res.headers.get("x-routing-reason")).toMatch(
      /^Served at ECO: your credits don't cover PRECISION - add credits/,
    );
    const { receipt } = await receiptOf(c, res.headers.get("x-request-id"));
    expect(receipt.downgrade).toEqual({
      from: "PRECISION",
      to: "ECO",
      cause: "credits",
      message: "Served at ECO: your credits don't cover PRECISION — add credits",
    });
  });

  it("a failed BYOK provider is named with its status and scrubbed error when a paid model answers instead", async () => {
    const c = await newCaller("byok", 5_000_000);
    const ownKey = `sk-mine-${randomUUID().replace(/-/g, "")}`;
    // The provider accepts the key when it is stored (its model list is checked), then refuses it in traffic.
    const upstream = await startMockUpstream({ apiKey: ownKey });
    onTestFinished(() => upstream.close());
    const own = await f.asAdmin("/api/admin/providers", {
      body: {
        slug: "mine",
        name: "Mine",
        kind: "openai-compatible",
        base_url: `${upstream.url}/v1`,
        priority: 100,
        region: "us",
        requires_key: true,
      },
    });
    expect(own.status, own.text).toBe(201);
    await f.addModel("mine", "mock-mine", { level: "PRECISION", input: 50, output: 50, quality: 9.9 });
    expect((await c.call("/api/byok", { body: { provider: "mine", api_key: ownKey } })).status).toBe(201);

    upstream.setBehavior(
      { status: 401, errorMessage: "Incorrect API key provided", echoCredentials: true },
      { model: "mock-mine" },
    );
    const res = await chat(c, { model: "precision" });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("x-provider-used")).toBe("top");
    expect(res.headers.get("x-routing-reason")).toContain("fallback #1 after mine/mock-mine (your key) failed (401)");
    const { receipt } = await receiptOf(c, res.headers.get("x-request-id"));
    expect(receipt.candidates[0]).toMatchObject({ provider: "mine", byok: true, outcome: "failed", status: 401 });
    expect(receipt.candidates[0].error).toMatch(/api key/i);
    expect(JSON.stringify(receipt)).not.toContain(ownKey.slice(8));
    expect(receipt.candidates[1]).toMatchObject({ provider: "top", outcome: "served" });
    await f.asAdmin(`/api/admin/providers/${own.json.id}`, { method: "DELETE" });
  });
});
