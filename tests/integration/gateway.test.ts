import { APIError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture";
import { sql } from "../setup/test-db";
import { waitUntil } from "../helpers/wait.ts";

let f: GatewayFixture;

beforeAll(async () => {
  f = await startGatewayFixture();
  // Two OpenAI-compatible providers and one Anthropic provider, all on the mock upstream.
  await f.addProvider("alpha", { priority: 90 });
  await f.addProvider("beta", { priority: 80 });
  await f.addProvider("claude", { kind: "anthropic", priority: 70 });
  // "json": the pass-through test below sends response_format, which routes only to json models.
  await f.addModel("alpha", "mock-small", {
    level: "BALANCED",
    input: 1,
    output: 2,
    quality: 9,
    capabilities: ["chat", "tools", "json"],
  });
  await f.addModel("beta", "mock-large", { level: "BALANCED", input: 1, output: 2, quality: 8 });
  await f.addModel("claude", "claude-mock", { level: "PRECISION", input: 3, output: 15, quality: 9.5 });
  await f.grant(f.user.id, 10);
});
afterAll(() => f?.close());
beforeEach(async () => {
  f.mock.resetBehavior();
  f.mock.clearRequests();
  // Each test judges providers afresh; the breaker's own behaviour is tested below.
  await f.resetCircuits();
});

async function usageRow(requestId: string) {
  const rows = await sql<{
    status: string;
    fallback_count: number;
    attempts: { provider: string; ok: boolean; status: number | null }[];
    prompt_tokens: number;
    completion_tokens: number;
    charged_micros: string;
    provider_slug: string;
  }>(
    f.url,
    "SELECT status, fallback_count, attempts, prompt_tokens, completion_tokens, charged_micros::text, provider_slug FROM usage_logs WHERE id = $1",
    [requestId],
  );
  return rows[0];
}

const waitForUsageRow = (requestId: string) =>
  waitUntil(`the usage row of ${requestId}`, () => usageRow(requestId), 5_000);

describe("OpenAI compatibility (official SDK as the client)", () => {
  it("lists the usable models and the routing aliases", async () => {
    const ids = [];
    for await (const m of f.openai().models.list()) ids.push(m.id);
    expect(ids.slice(0, 4)).toEqual(["auto", "eco", "balanced", "precision"]);
    expect(ids).toEqual(expect.arrayContaining(["alpha/mock-small", "beta/mock-large", "claude/claude-mock"]));
    // seeded providers are disabled in this fixture, and keyed ones were never usable
    expect(ids.some((id) => id.startsWith("openai/"))).toBe(false);
  });

  it("streams chunks and always ends with a usage chunk carrying the cost", async () => {
    const stream = await f.openai().chat.completions.create({
      model: "balanced",
      stream: true,
      messages: [{ role: "user", content: "one two three" }],
    });
    let text = "";
    let usage: { prompt_tokens: number; completion_tokens: number; cost?: number } | undefined;
    let model = "";
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage as typeof usage;
      model = chunk.model;
    }
    expect(text).toBe("Hello from the mock upstream.");
    expect(model).toBe("alpha/mock-small");
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 6, cost: 0.000015 });
  });

  it("passes tools, response_format and unknown fields through and returns tool calls", async () => {
    f.mock.setBehavior({ toolCall: { name: "get_weather", arguments: '{"city":"Paris"}' } });
    const res = await f.openai().chat.completions.create({
      model: "alpha/mock-small",
      messages: [{ role: "user", content: "weather in Paris?" }],
      tools: [
        {
          type: "function",
          function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
        },
      ],
      tool_choice: "auto",
      response_format: { type: "json_object" },
      seed: 7,
      // @ts-expect-error an unknown field: under the platform's key only priced parameters are forwarded (P4)
      seed_hint: 7,
    });
    expect(res.choices[0]!.finish_reason).toBe("tool_calls");
    expect(res.choices[0]!.message.tool_calls?.[0]).toMatchObject({
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"Paris"}' },
    });
    const sent = f.mock.requests.at(-1)!.body;
    expect(sent.tools[0].function.name).toBe("get_weather");
    expect(sent).toMatchObject({
      tool_choice: "auto",
      response_format: { type: "json_object" },
      seed: 7,
      model: "mock-small",
    });
    expect(sent.seed_hint).toBeUndefined();
    expect(sent.power_level).toBeUndefined();
  });

  it("translates to and from Anthropic's Messages API", async () => {
    const res = await f.openai().chat.completions.create({
      model: "claude/claude-mock",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hi there" },
      ],
      max_tokens: 50,
    });
    expect(res.choices[0]!.message.content).toBe("Hello from the mock upstream.");
    expect(res.choices[0]!.finish_reason).toBe("stop");
    const sent = f.mock.requests.at(-1)!;
    expect(sent.path).toBe("/v1/messages");
    expect(sent.headers["x-api-key"]).toBe("upstream-secret");
    expect(sent.body).toMatchObject({ system: "be brief", max_tokens: 50, messages: [{ role: "user" }] });
    // usage from Anthropic's input/output tokens: 4 words in, 6 pieces out at $3/$15 per 1M
    expect(res.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 6 });
    expect((res.usage as unknown as { cost: number }).cost).toBe(0.000102);
  });

  it("answers errors in OpenAI's shape with the right status", async () => {
    const bad = f.openai("sk-sy-not-a-real-key-00000000000000000000000000");
    await expect(
      bad.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({ status: 401, type: "authentication_error" });
    const err = await f
      .openai()
      .chat.completions.create({ model: "nope/missing", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(APIError);
    expect(err).toMatchObject({ status: 404, code: "model_not_found", param: "model" });
    const empty = await f
      .openai()
      .chat.completions.create({ model: "auto", messages: [] })
      .catch((e) => e);
    expect(empty).toMatchObject({ status: 400, param: "messages" });
  });

  it("refuses a body over the size limit with 413 and writes nothing", async () => {
    const before = await sql<{ n: string }>(f.url, "SELECT count(*)::text AS n FROM usage_logs");
    const res = await fetch(`${f.app.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${f.userKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "auto", messages: [{ role: "user", content: "x".repeat(9 * 1024 * 1024) }] }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.type).toBe("invalid_request_error");
    expect(await sql<{ n: string }>(f.url, "SELECT count(*)::text AS n FROM usage_logs")).toEqual(before);
  });
});

describe("fallback", () => {
  for (const status of [500, 503, 429, 408, 409]) {
    it(`falls back transparently when the first provider answers ${status}`, async () => {
      f.mock.setBehavior({ status }, { model: "mock-small" });
      const { data, response } = await f
        .openai()
        .chat.completions.create({ model: "balanced", messages: [{ role: "user", content: "hi" }] })
        .withResponse();
      expect(data.model).toBe("beta/mock-large");
      expect(response.headers.get("x-fallback-count")).toBe("1");
      expect(response.headers.get("x-routing-reason")).toMatch(/fallback #1 after alpha\/mock-small failed/);
      const row = await usageRow(response.headers.get("x-request-id")!);
      expect(row).toMatchObject({ status: "success", fallback_count: 1, provider_slug: "beta" });
      expect(row!.attempts.map((a) => [a.provider, a.ok, a.status])).toEqual([
        ["alpha", false, status],
        ["beta", true, 200],
      ]);
    });
  }

  it("falls back when the first provider sends no first token in time", async () => {
    await f.asAdmin(`/api/admin/providers/${await providerId("alpha")}`, {
      method: "PATCH",
      body: { first_token_timeout_ms: 300 },
    });
    f.mock.setBehavior({ delayFirstTokenMs: 5000 }, { model: "mock-small" });
    const started = Date.now();
    const { data, response } = await f
      .openai()
      .chat.completions.create({ model: "balanced", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.model).toBe("beta/mock-large");
    expect(Date.now() - started).toBeLessThan(4000);
    const row = await usageRow(response.headers.get("x-request-id")!);
    expect(row!.attempts[0]).toMatchObject({ provider: "alpha", ok: false, status: 408 });
    // the timed-out upstream request was aborted, not left running
    await f.mock.waitFor((r) => r.model === "mock-small" && r.aborted, 2000);
    await f.asAdmin(`/api/admin/providers/${await providerId("alpha")}`, {
      method: "PATCH",
      body: { first_token_timeout_ms: 3000 },
    });
  });

  it("falls back when a provider is unreachable", async () => {
    const dead = await f.asAdmin("/api/admin/providers", {
      body: {
        slug: "dead",
        name: "dead",
        kind: "openai-compatible",
        base_url: "http://127.0.0.1:9/v1",
        priority: 99,
        region: "us",
        requires_key: false,
      },
    });
    const model = await f.addModel("dead", "ghost", { level: "BALANCED", input: 1, output: 2, quality: 10 });
    const { data, response } = await f
      .openai()
      .chat.completions.create({ model: "balanced", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.model).not.toBe("dead/ghost");
    const row = await usageRow(response.headers.get("x-request-id")!);
    expect(row!.attempts[0]).toMatchObject({ provider: "dead", ok: false, status: 0 });
    await f.asAdmin(`/api/admin/models/${model.id}`, { method: "DELETE" });
    await f.asAdmin(`/api/admin/providers/${dead.json.id}`, { method: "DELETE" });
  });

  it("does not fall back on the caller's own mistakes (400) and says who refused", async () => {
    f.mock.setBehavior({ status: 400, errorMessage: "tools[0] is invalid" }, { model: "mock-small" });
    const err = await f
      .openai()
      .chat.completions.create({ model: "balanced", messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(err).toMatchObject({ status: 400 });
    expect(err.message).toMatch(/alpha rejected the request: tools\[0\] is invalid/);
    expect(f.mock.requests.filter((r) => r.model === "mock-large")).toHaveLength(0);
  });

  it("skips a provider whose circuit opened after repeated failures", async () => {
    f.mock.setBehavior({ status: 503 }, { model: "mock-small" });
    // Pinned, so every request really tries alpha (routing would already demote it after one failure).
    for (let i = 0; i < 3; i++) {
      await expect(
        f.openai().chat.completions.create({ model: "alpha/mock-small", messages: [{ role: "user", content: "hi" }] }),
      ).rejects.toMatchObject({ status: 503 });
    }
    f.mock.clearRequests();
    const { data, response } = await f
      .openai()
      .chat.completions.create({ model: "balanced", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.model).toBe("beta/mock-large");
    expect(response.headers.get("x-fallback-count")).toBe("0");
    expect(f.mock.requests.filter((r) => r.model === "mock-small")).toHaveLength(0);
    const health = await f.asAdmin("/api/admin/health");
    expect(health.json.data.find((h: { provider: string }) => h.provider === "alpha")).toMatchObject({
      state: "circuit_open",
      last_error: expect.stringContaining("503"),
    });
  });

  it("lists what was tried when no provider can serve", async () => {
    f.mock.setBehavior({ status: 503 });
    const err = await f
      .openai()
      .chat.completions.create({ model: "balanced", messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/alpha\/mock-small.*beta\/mock-large/);
  });

  it("ends a stream that breaks after content with an explicit error, never a silent 200", async () => {
    f.mock.setBehavior({ breakAfterChunks: 2 }, { model: "mock-small" });
    const res = await fetch(`${f.app.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${f.userKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "alpha/mock-small", stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('"code":"upstream_stream_broken"');
    expect(text).not.toContain("[DONE]");
    const row = await waitForUsageRow(res.headers.get("x-request-id")!);
    expect(row.status).toBe("error");
    // the two pieces that did arrive are accounted (tokenizer count, as the upstream sent no usage)
    expect(row.completion_tokens).toBeGreaterThan(0);
  });
});

describe("client disconnect", () => {
  it("aborts the upstream at once and still accounts what was produced", async () => {
    f.mock.setBehavior(
      { tokens: Array.from({ length: 200 }, (_, i) => ` tok${i}`), chunkDelayMs: 20 },
      { model: "mock-small" },
    );
    const ctrl = new AbortController();
    const res = await fetch(`${f.app.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${f.userKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "alpha/mock-small",
        stream: true,
        messages: [{ role: "user", content: "long please" }],
      }),
      signal: ctrl.signal,
    });
    const reader = res.body!.getReader();
    for (let seen = 0; seen < 5;) {
      const { value, done } = await reader.read();
      // An ended stream resolves every read at once: without this the loop would spin forever.
      if (done) throw new Error(`the stream ended after ${seen} frames (status ${res.status})`);
      seen += new TextDecoder().decode(value).split("data: ").length - 1;
    }
    const abortedAt = Date.now();
    ctrl.abort();
    const upstream = await f.mock.waitFor((r) => r.model === "mock-small" && r.aborted, 3000);
    expect(upstream.endedAt! - abortedAt).toBeLessThan(1000);
    const row = await waitForUsageRow(res.headers.get("x-request-id")!);
    expect(row.status).toBe("cancelled");
    expect(row.completion_tokens).toBeGreaterThan(0);
    expect(row.completion_tokens).toBeLessThan(200);
    expect(Number(row.charged_micros)).toBeGreaterThan(0);
  });
});

describe("admin write API", () => {
  it("keeps platform keys write-only and encrypted at rest", async () => {
    const list = await f.asAdmin("/api/admin/providers");
    const alpha = list.json.data.find((p: { slug: string }) => p.slug === "alpha");
    expect(alpha).toMatchObject({ has_api_key: true, api_key_prefix: expect.stringMatching(/^upstre…$/) });
    expect(JSON.stringify(list.json)).not.toContain("upstream-secret");
    const stored = await sql<{ c: string }>(
      f.url,
      "SELECT api_key_ciphertext AS c FROM providers WHERE slug = 'alpha'",
    );
    expect(stored[0]!.c).toMatch(/^v2\.[0-9a-f]{8}\./); // sealed, naming the master key that sealed it
    expect(stored[0]!.c).not.toContain("upstream-secret");
  });

  it("validates bodies with a 400 naming the field, and refuses non-admins", async () => {
    const bad = await f.asAdmin("/api/admin/models", {
      body: {
        provider: "alpha",
        upstream_id: "x",
        name: "x",
        power_level: "TURBO",
        input_per_1m: 1,
        output_per_1m: 1,
        latency_ms: 1,
        quality: 5,
        context_tokens: 10,
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe("power_level");
    expect((await f.asUser("/api/admin/providers")).status).toBe(403);
    expect((await f.asUser("/api/admin/models", { body: {} })).status).toBe(403);
  });

  it("applies a disabled model to routing at once", async () => {
    const models = (await f.asAdmin("/api/admin/models")).json.data;
    const small = models.find((m: { model_id: string }) => m.model_id === "alpha/mock-small");
    await f.asAdmin(`/api/admin/models/${small.id}`, { method: "PATCH", body: { enabled: false } });
    const res = await f
      .openai()
      .chat.completions.create({ model: "balanced", messages: [{ role: "user", content: "hi" }] });
    expect(res.model).toBe("beta/mock-large");
    await f.asAdmin(`/api/admin/models/${small.id}`, { method: "PATCH", body: { enabled: true } });
  });
});

describe("BYOK", () => {
  it("routes to the caller's own key, charges no credits, and never returns the key", async () => {
    const byokProvider = await f.asAdmin("/api/admin/providers", {
      body: {
        slug: "byoker",
        name: "byoker",
        kind: "openai-compatible",
        base_url: `${f.mock.url}/v1`,
        priority: 10,
        region: "us",
      },
    });
    expect(byokProvider.json.has_api_key).toBe(false);
    await f.addModel("byoker", "mock-large", { level: "PRECISION", input: 50, output: 50, quality: 10 });
    const added = await f.asUser("/api/byok", { body: { provider: "byoker", api_key: "upstream-secret" } });
    expect(added.status).toBe(201);
    expect(JSON.stringify(added.json)).not.toContain("upstream-secret");

    const { data, response } = await f
      .openai()
      .chat.completions.create({ model: "byoker/mock-large", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.model).toBe("byoker/mock-large");
    expect((data.usage as unknown as { cost: number }).cost).toBe(0);
    expect(f.mock.requests.at(-1)!.headers.authorization).toBe("Bearer upstream-secret");
    const row = await usageRow(response.headers.get("x-request-id")!);
    expect(row).toMatchObject({ charged_micros: "0" });
    const listed = await f.asUser("/api/byok");
    expect(JSON.stringify(listed.json)).not.toContain("upstream-secret");
    // another user cannot delete it
    await f.asUser(`/api/byok/${added.json.id}`, { method: "DELETE" });
  });
});

describe("Server-Timing", () => {
  it("every gateway response says what the gateway spent: auth, route, hold, upstream first token, total", async () => {
    const timings = (h: Headers) =>
      Object.fromEntries(
        (h.get("server-timing") ?? "").split(", ").map((p) => [p.split(";")[0], Number(p.split("dur=")[1])]),
      );
    for (const stream of [false, true]) {
      const res = await f.asUser("/api/v1/chat/completions", {
        body: { model: "alpha/mock-small", stream, messages: [{ role: "user", content: "hi" }] },
      });
      expect(res.status).toBe(200);
      const t = timings(res.headers);
      expect(Object.keys(t)).toEqual(["auth", "route", "hold", "upstream", "total"]);
      for (const v of Object.values(t)) expect(v).toBeGreaterThanOrEqual(0);
      expect(t.total).toBeGreaterThanOrEqual(t.upstream!);
    }
    const refused = await f.callAs("sk-sy-not-a-key")("/api/v1/models");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("server-timing")).toMatch(/^total;dur=\d/);
    expect(Object.keys(timings((await f.asUser("/api/v1/models")).headers))).toEqual(["auth", "total"]);
  });
});

async function providerId(slug: string): Promise<string> {
  const list = await f.asAdmin("/api/admin/providers");
  return list.json.data.find((p: { slug: string }) => p.slug === slug).id;
}
