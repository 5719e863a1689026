// What a refused body says, over HTTP: every problem as a sentence a person can act on, tied to its
// field (the dashboard's shape), and OpenAI's exact shape on the gateway. Also what a $0 monthly
// budget means, end to end.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { postEntry } from "../../lib/ledger/ledger.ts";
import { createUser } from "../../lib/users/users.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";

let f: GatewayFixture;

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("paid", { priority: 90 });
  await f.addModel("paid", "mock-paid", { level: "BALANCED", input: 1, output: 2, quality: 9 });
});
afterAll(() => f?.close());

const goodModel = {
  provider: "paid",
  upstream_id: "another",
  name: "Another",
  power_level: "ECO",
  input_per_1m: 1,
  output_per_1m: 2,
  latency_ms: 100,
  quality: 5,
  context_tokens: 1000,
};

describe("validation errors in the dashboard's shape", () => {
  it("a bad model POST answers every problem with the field's label and range, param naming the first", async () => {
    const res = await f.asAdmin("/api/admin/models", {
      body: { ...goodModel, name: "", input_per_1m: -1, quality: 11, colour: "red" },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({
      code: "invalid_request",
      param: "name",
      message:
        'Display name is required; Input price must be 0 or more; Quality must be at most 10; Unknown field "colour"',
      errors: [
        { param: "name", message: "Display name is required" },
        { param: "input_per_1m", message: "Input price must be 0 or more" },
        { param: "quality", message: "Quality must be at most 10" },
        { param: "colour", message: 'Unknown field "colour"' },
      ],
    });
  });

  it("says what is missing, and the money limits in dollars", async () => {
    const missing = await f.asAdmin("/api/admin/models", { body: { provider: "paid" } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.errors.map((e: { message: string }) => e.message)).toEqual([
      "Upstream id is required",
      "Display name is required",
      "Power level must be one of ECO, BALANCED or PRECISION",
      "Input price is required",
      "Output price is required",
      "Typical first-token latency is required",
      "Quality is required",
      "Context window is required",
    ]);

    const grant = await f.asAdmin(`/api/admin/users/${f.user.id}/credits`, {
      body: { amount_usd: 1_000_001, reason: "too generous" },
    });
    expect(grant.status).toBe(400);
    expect(grant.json.error).toMatchObject({ param: "amount_usd", message: "At most $1,000,000 per grant" });

    const email = await f.asAdmin("/api/admin/users", {
      body: { email: "not-an-email", password: "short", role: "KING" },
    });
    expect(email.json.error.errors).toEqual([
      { param: "email", message: "Email must be a valid email address" },
      { param: "password", message: "Password must be at least 8 characters" },
      { param: "role", message: "Role must be one of USER, ADMIN or FINANCE" },
    ]);
  });
});

describe("validation errors on the gateway", () => {
  it("keep OpenAI's four fields exactly, with the human message", async () => {
    const res = await f.asUser("/api/v1/chat/completions", { body: { model: "", messages: [], temperature: 3 } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        message: "model is required; messages must contain at least one message; temperature must be at most 2",
        type: "invalid_request_error",
        code: "invalid_request",
        param: "model",
      },
    });
  });
});

describe("a $0 monthly budget", () => {
  it("is accepted and means no paid requests: only free (and BYOK) models serve", async () => {
    const email = `zero-${randomUUID().slice(0, 8)}@test.example`;
    const user = await createUser(f.db, { email, password: "account-password" });
    const call = f.callAs((await createApiKey(f.db, user.id, { name: "zero" })).key);
    await postEntry(f.db, { userId: user.id, type: "GRANT", amountMicros: 10_000_000, reference: "test grant" });

    const saved = await call("/api/settings", { method: "PUT", body: { monthly_budget_usd: 0 } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json.monthly_budget_usd).toBe(0);
    expect((await call("/api/settings", { method: "PUT", body: { monthly_budget_usd: -1 } })).json.error.message).toBe(
      "Monthly budget must be 0 or more",
    );

    const chat = (model: string) =>
      call("/api/v1/chat/completions", { body: { model, messages: [{ role: "user", content: "hi" }] } });
    const refused = await chat("auto");
    expect(refused.status).toBe(402);
    expect(refused.json.error.code).toBe("budget_exhausted");
    expect(refused.json.error.message).toMatch(/^Your monthly budget is \$0, which allows no paid requests/);

    await f.addProvider("gratis", { priority: 10 });
    const free = await f.addModel("gratis", "mock-free", { level: "ECO", input: 0, output: 0 });
    try {
      const served = await chat("gratis/mock-free");
      expect(served.status, served.text).toBe(200);
      expect(served.json.usage.cost).toBe(0);
    } finally {
      await f.asAdmin(`/api/admin/models/${free.id}`, { method: "PATCH", body: { enabled: false } });
    }
  });
});
