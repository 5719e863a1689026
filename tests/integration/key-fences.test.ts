// Gateway keys fenced per key, through the real handlers on both databases: what a key may
// route to (levels, models, routing profile), what it may spend a month (held by the hold, so
// 64 racing requests cannot overshoot), and rate limits that hold across two app processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance, verifyLedger } from "../../lib/ledger/ledger.ts";
import { startGatewayFixture, type FixtureCaller, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { spawnAppProcess, type AppProcess } from "../helpers/app-process.ts";
import { dbKind, sql } from "../setup/test-db.ts";

// Output $1000 per 1M tokens = 1000 micro-USD a token, input free: with max_tokens 10 every hold
// is exactly 10,000 micro-USD and (the mock replies with 10 of its 12 pieces) so is every charge.
const PER_TOKEN = 1000;
const MAX_TOKENS = 10;
const HOLD = MAX_TOKENS * PER_TOKEN;

let f: GatewayFixture;

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("fa", { priority: 90 });
  await f.addProvider("fb", { priority: 50 });
  await f.addProvider("loc", { priority: 10, isLocal: true, region: "self-hosted" });
  await f.addModel("fa", "eco-m", { level: "ECO", input: 0, output: PER_TOKEN, quality: 6 });
  await f.addModel("fa", "bal-m", { level: "BALANCED", input: 0, output: PER_TOKEN, quality: 8 });
  await f.addModel("fa", "pre-m", { level: "PRECISION", input: 0, output: PER_TOKEN, quality: 10 });
  await f.addModel("fb", "bal-b", { level: "BALANCED", input: 0, output: PER_TOKEN, quality: 7 });
  await f.addModel("loc", "loc-m", { level: "ECO", input: 0, output: 0, quality: 5 });
  f.mock.setBehavior({ tokens: Array.from({ length: 12 }, (_, i) => ` t${i}`) });
});
afterAll(() => f?.close());

type KeyBody = Record<string, unknown>;

async function fencedKey(owner: FixtureCaller, body: KeyBody) {
  const res = await owner.call("/api/keys", { body: { name: "fenced", ...body } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { id: res.json.id as string, key: res.json.key as string, view: res.json, call: f.callAs(res.json.key) };
}

const chat = (body: KeyBody = {}) => ({
  body: { model: "auto", max_tokens: MAX_TOKENS, messages: [{ role: "user", content: "hello" }], ...body },
});

describe("creating and editing fences", () => {
  it("stores every fence, shows it in the key's view, and PATCH changes or clears one at a time", async () => {
    const owner = await f.newCaller("owner");
    const k = await fencedKey(owner, {
      monthly_limit_usd: 1,
      allowed_power_levels: ["eco", "BALANCED"],
      allowed_models: ["fa/*", "fb/bal-b", "loc/loc-m"],
      rpm: 30,
      tpm: 5000,
      routing_profile: { primary: "fa/bal-m", fallback: "fb/bal-b", local: "loc/loc-m" },
    });
    expect(k.view).toMatchObject({
      monthly_limit_usd: 1,
      allowed_power_levels: ["ECO", "BALANCED"],
      allowed_models: ["fa/*", "fb/bal-b", "loc/loc-m"],
      rpm: 30,
      tpm: 5000,
      routing_profile: { primary: "fa/bal-m", fallback: "fb/bal-b", local: "loc/loc-m" },
      month_spend_usd: 0,
      held_usd: 0,
    });
    expect(k.key).toMatch(/^sk-sy-/);

    const patched = await owner.call(`/api/keys/${k.id}`, {
      method: "PATCH",
      body: { monthly_limit_usd: 2.5, rpm: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      monthly_limit_usd: 2.5,
      rpm: null,
      tpm: 5000,
      allowed_power_levels: ["ECO", "BALANCED"],
    });
    expect(patched.json.key).toBeUndefined();
    const cleared = await owner.call(`/api/keys/${k.id}`, {
      method: "PATCH",
      body: { allowed_power_levels: null, allowed_models: null, routing_profile: null, name: "renamed" },
    });
    expect(cleared.json).toMatchObject({
      name: "renamed",
      allowed_power_levels: null,
      allowed_models: null,
      routing_profile: null,
      monthly_limit_usd: 2.5,
    });
    const listed = (await owner.call("/api/keys")).json.data.find((x: { id: string }) => x.id === k.id);
    expect(listed).toEqual(cleared.json);
  });

  it("refuses fences that could not work, with 400 naming the field", async () => {
    const owner = await f.newCaller("bad-fences");
    const cases: [KeyBody, string][] = [
      [{ allowed_power_levels: [] }, "allowed_power_levels"],
      [{ allowed_power_levels: ["TURBO"] }, "allowed_power_levels.0"],
      [{ allowed_models: ["gpt-4o"] }, "allowed_models.0"],
      [{ allowed_models: ["fa/*x"] }, "allowed_models.0"],
      [{ monthly_limit_usd: -1 }, "monthly_limit_usd"],
      [{ rpm: 0 }, "rpm"],
      [{ tpm: 1.5 }, "tpm"],
      [{ monthly_limit: 5 }, ""],
      [{ routing_profile: { primary: "fa/nope" } }, "routing_profile.primary"],
      [{ routing_profile: { primary: "fa/bal-m", local: "fb/bal-b" } }, "routing_profile.local"],
      [{ allowed_power_levels: ["ECO"], routing_profile: { primary: "fa/pre-m" } }, "routing_profile.primary"],
    ];
    for (const [body, param] of cases) {
      const res = await owner.call("/api/keys", { body: { name: "bad", ...body } });
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (param) expect(res.json.error.param, JSON.stringify(body)).toBe(param);
    }
    const typo = await owner.call("/api/keys", {
      body: { name: "bad", allowed_models: ["gpt-4o"], monthly_limit_usd: 0.1234567 },
    });
    expect(typo.json.error.errors).toEqual([
      { param: "monthly_limit_usd", message: "Monthly limit can have at most 6 decimals (a micro-dollar)" },
      {
        param: "allowed_models.0",
        message:
          "Each allowed model must be a model id like openai/gpt-4o-mini, or provider/* for all of a provider's models",
      },
    ]);
    expect((await owner.call("/api/keys")).json.data.filter((k: { name: string }) => k.name === "bad")).toEqual([]);
  });
});

describe("what a key may route to", () => {
  it("an ECO-only key: PRECISION asked for is 403 naming ECO; a request naming no level runs at ECO", async () => {
    const owner = await f.newCaller("eco-only", 5_000_000);
    const k = await fencedKey(owner, { allowed_power_levels: ["ECO"] });
    for (const body of [
      { model: "precision" },
      { model: "auto", power_level: "precision" },
      { model: "fa/pre-m" },
      { model: "fa/bal-m" },
    ]) {
      const res = await k.call("/api/v1/chat/completions", chat(body));
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(res.json.error).toMatchObject({ code: "model_not_allowed", type: "permission_error", param: "model" });
      expect(res.json.error.message).toContain("power level ECO");
    }
    const ok = await k.call("/api/v1/chat/completions", chat());
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-power-level")).toBe("ECO");
    expect(["fa/eco-m", "loc/loc-m"]).toContain(ok.json.model);
    // Its model list shows only what it may use.
    const listed = (await k.call("/api/v1/models")).json.data.map((m: { id: string }) => m.id);
    expect(listed).toEqual(["auto", "eco", "fa/eco-m", "loc/loc-m"]);
    // The owner's other keys and their session are not fenced.
    expect((await owner.call("/api/v1/chat/completions", chat({ model: "fa/pre-m" }))).status).toBe(200);
  });

  it("allowed models: exact ids and provider/*; auto routing stays inside them", async () => {
    const owner = await f.newCaller("models", 5_000_000);
    const k = await fencedKey(owner, { allowed_models: ["fb/*", "fa/eco-m"] });
    const refused = await k.call("/api/v1/chat/completions", chat({ model: "fa/bal-m" }));
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain("models fb/*, fa/eco-m");
    for (let i = 0; i < 3; i++) {
      const res = await k.call("/api/v1/chat/completions", chat({ model: "balanced" }));
      expect(res.status).toBe(200);
      expect(res.json.model).toBe("fb/bal-b");
    }
    expect((await k.call("/api/v1/chat/completions", chat({ model: "fa/eco-m" }))).json.model).toBe("fa/eco-m");
    // Nothing the key allows can serve a privacy-required request: 403 names what it allows.
    const privacy = await k.call("/api/v1/chat/completions", chat({ privacy_required: true }));
    expect(privacy.status, JSON.stringify(privacy.json)).toBe(403);
    expect(privacy.json.error.code).toBe("model_not_allowed");
  });

  it("a routing profile: primary, then fallback when the primary fails, local when privacy is required", async () => {
    const owner = await f.newCaller("profile", 5_000_000);
    const k = await fencedKey(owner, {
      routing_profile: { primary: "fb/bal-b", fallback: "fa/eco-m", local: "loc/loc-m" },
    });
    const first = await k.call("/api/v1/chat/completions", chat());
    expect(first.json.model).toBe("fb/bal-b");
    expect(first.headers.get("x-routing-reason")).toContain("routing profile");

    f.mock.setBehavior({ status: 503, errorMessage: "overloaded" }, { model: "bal-b", once: true });
    const fellBack = await k.call("/api/v1/chat/completions", chat());
    expect(fellBack.status).toBe(200);
    expect(fellBack.json.model).toBe("fa/eco-m");
    expect(fellBack.headers.get("x-fallback-count")).toBe("1");

    const local = await k.call("/api/v1/chat/completions", chat({ privacy_required: true }));
    expect(local.json.model).toBe("loc/loc-m");
    // A concrete model is still the caller's to pin.
    expect((await k.call("/api/v1/chat/completions", chat({ model: "fa/pre-m" }))).json.model).toBe("fa/pre-m");
  });
});

describe("a key's monthly limit", () => {
  const REQUESTS = 64;
  const AFFORDABLE = 10;

  async function race(urls: string[]) {
    const owner = await f.newCaller("limit", 10_000_000);
    const k = await fencedKey(owner, { monthly_limit_usd: (AFFORDABLE * HOLD) / 1e6 });
    const results = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        fetch(`${urls[i % urls.length]}/api/v1/chat/completions`, {
          method: "POST",
          headers: { Authorization: `Bearer ${k.key}`, "content-type": "application/json" },
          body: JSON.stringify({
            model: "fa/bal-m",
            max_tokens: MAX_TOKENS,
            stream: i % 2 === 1,
            messages: [{ role: "user", content: `request ${i}` }],
          }),
        }).then(async (r) => ({ status: r.status, text: await r.text() })),
      ),
    );
    const counts: Record<number, number> = {};
    for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    expect(counts).toEqual({ 200: AFFORDABLE, 402: REQUESTS - AFFORDABLE });
    for (const r of results.filter((x) => x.status === 402)) {
      const error = JSON.parse(r.text).error;
      expect(error.code).toBe("key_budget_exhausted");
      expect(error.message).toContain("monthly limit of $0.10");
    }
    // The account kept what the key could not spend; the key spent exactly its limit.
    expect((await getBalance(f.db, owner.id)).balanceMicros).toBe(10_000_000 - AFFORDABLE * HOLD);
    const view = (await owner.call("/api/keys")).json.data.find((x: { id: string }) => x.id === k.id);
    expect(view).toMatchObject({ month_spend_usd: 0.1, held_usd: 0 });
    const [row] = await sql<{ spent: string; reserved: string }>(
      f.url,
      "SELECT month_spend_micros::text AS spent, month_reserved_micros::text AS reserved FROM api_keys WHERE id = $1",
      [k.id],
    );
    expect(row).toEqual({ spent: String(AFFORDABLE * HOLD), reserved: "0" });
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);
    // Raising the limit lets the key spend again at once.
    await owner.call(`/api/keys/${k.id}`, { method: "PATCH", body: { monthly_limit_usd: 1 } });
    expect((await k.call("/api/v1/chat/completions", chat({ model: "fa/bal-m" }))).status).toBe(200);
  }

  it("64 concurrent requests against a limit that affords 10: 10 served, 54 refused with 402 key_budget_exhausted", async () => {
    await race([f.app.url]);
  });

  it("a key without a limit shows its spend from its usage; a limit set later counts from there", async () => {
    const owner = await f.newCaller("late-limit", 10_000_000);
    const k = await fencedKey(owner, {});
    for (let i = 0; i < 2; i++)
      expect((await k.call("/api/v1/chat/completions", chat({ model: "fa/bal-m" }))).status).toBe(200);
    const view = async () => (await owner.call("/api/keys")).json.data.find((x: { id: string }) => x.id === k.id);
    expect(await view()).toMatchObject({ month_spend_usd: 0.02, monthly_limit_usd: null });
    // An unlimited key's row is not touched by its settles (one row lock less per request).
    const counter = async () =>
      (
        await sql<{ spent: string }>(f.url, "SELECT month_spend_micros::text AS spent FROM api_keys WHERE id = $1", [
          k.id,
        ])
      )[0]!.spent;
    expect(await counter()).toBe("0");
    const patched = await owner.call(`/api/keys/${k.id}`, { method: "PATCH", body: { monthly_limit_usd: 0.03 } });
    expect(patched.json).toMatchObject({ month_spend_usd: 0.02, monthly_limit_usd: 0.03 });
    expect(await counter()).toBe("20000");
    expect((await k.call("/api/v1/chat/completions", chat({ model: "fa/bal-m" }))).status).toBe(200);
    const refused = await k.call("/api/v1/chat/completions", chat({ model: "fa/bal-m" }));
    expect(refused.status).toBe(402);
    expect(refused.json.error.message).toContain("$0.03 charged this month");
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);
  });

  it("free models stay usable once the limit is spent", async () => {
    const owner = await f.newCaller("limit-free", 10_000_000);
    const k = await fencedKey(owner, { monthly_limit_usd: 0 });
    const paid = await k.call("/api/v1/chat/completions", chat({ model: "fa/bal-m" }));
    expect(paid.status).toBe(402);
    expect(paid.json.error.code).toBe("key_budget_exhausted");
    const free = await k.call("/api/v1/chat/completions", chat({ model: "loc/loc-m" }));
    expect(free.status).toBe(200);
  });

  describe.runIf(dbKind() === "postgres")("two app processes on one PostgreSQL", () => {
    const apps: AppProcess[] = [];
    beforeAll(async () => {
      apps.push(...(await Promise.all([spawnAppProcess(f.appEnv()), spawnAppProcess(f.appEnv())])));
    });
    afterAll(() => Promise.all(apps.map((a) => a.kill())));

    it("split 32/32: still exactly 10 served", async () => {
      await race(apps.map((a) => a.url));
    });

    // A free model's windows are counted by a statement of their own; a paid one's by its hold statement.
    it.each([
      ["a free model", "loc/loc-m"],
      ["a paid model", "fa/bal-m"],
    ])(
      "rate limits are shared: 100 parallel requests against a 30 rpm key, exactly 30 served (%s)",
      async (_what, model) => {
        const owner = await f.newCaller("rpm2", 10_000_000);
        const k = await fencedKey(owner, { rpm: 30 });
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            fetch(`${apps[i % 2]!.url}/api/v1/chat/completions`, {
              method: "POST",
              headers: { Authorization: `Bearer ${k.key}`, "content-type": "application/json" },
              body: JSON.stringify({
                model,
                max_tokens: MAX_TOKENS,
                stream: i % 2 === 1,
                messages: [{ role: "user", content: `r${i}` }],
              }),
            }).then(async (r) => ({
              status: r.status,
              retryAfter: r.headers.get("retry-after"),
              body: await r.text(),
            })),
          ),
        );
        expect(results.filter((r) => r.status === 200)).toHaveLength(30);
        const refused = results.filter((r) => r.status === 429);
        expect(refused).toHaveLength(70);
        for (const r of refused) {
          expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
          expect(Number(r.retryAfter)).toBeLessThanOrEqual(60);
          expect(JSON.parse(r.body).error.message).toContain("limit of 30 requests per minute");
        }
        // Refused requests held nothing: the account paid for exactly what was served.
        const paid = model === "fa/bal-m" ? 30 * HOLD : 0;
        expect(await getBalance(f.db, owner.id)).toEqual({
          balanceMicros: 10_000_000 - paid,
          reservedMicros: 0,
          availableMicros: 10_000_000 - paid,
        });
      },
    );
  });
});

describe("rate limits", () => {
  it("100 parallel requests against a 30 rpm key: exactly 30 served, the rest 429 with Retry-After", async () => {
    const owner = await f.newCaller("rpm", 10_000_000);
    const k = await fencedKey(owner, { rpm: 30 });
    const results = await Promise.all(
      Array.from({ length: 100 }, () => k.call("/api/v1/chat/completions", chat({ model: "loc/loc-m" }))),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(30);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(70);
    expect(refused[0]!.json.error).toMatchObject({ code: "rate_limited", type: "rate_limit_error" });
    expect(Number(refused[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // The owner's other key is not this key's window.
    expect((await owner.call("/api/v1/chat/completions", chat({ model: "loc/loc-m" }))).status).toBe(200);
  });

  it("tokens per minute: counted at settle; once the window's tokens are spent the next request is refused", async () => {
    const owner = await f.newCaller("tpm", 10_000_000);
    const k = await fencedKey(owner, { tpm: 10 });
    const first = await k.call("/api/v1/chat/completions", chat({ model: "loc/loc-m" }));
    expect(first.status).toBe(200);
    expect(first.json.usage.total_tokens).toBeGreaterThanOrEqual(10);
    // The settle (and its token count) is written after the reply: wait until it is.
    let refused = null;
    for (let i = 0; i < 50 && !refused; i++) {
      const res = await k.call("/api/v1/chat/completions", chat({ model: "loc/loc-m" }));
      if (res.status === 429) refused = res;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(refused!.json.error.message).toContain("limit of 10 tokens per minute is spent");
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});

describe("keys are their owner's alone", () => {
  it("another user cannot see, use, edit or revoke someone's key", async () => {
    const alice = await f.newCaller("alice", 1_000_000);
    const mallory = await f.newCaller("mallory", 1_000_000);
    const k = await fencedKey(alice, { monthly_limit_usd: 1 });
    expect((await mallory.call("/api/keys")).json.data.map((x: { id: string }) => x.id)).not.toContain(k.id);
    expect(
      (await mallory.call(`/api/keys/${k.id}`, { method: "PATCH", body: { monthly_limit_usd: 1000 } })).status,
    ).toBe(404);
    expect((await mallory.call(`/api/keys/${k.id}`, { method: "DELETE" })).status).toBe(404);
    // Still alice's, unchanged and working; the key id alone gives nobody anything.
    const view = (await alice.call("/api/keys")).json.data.find((x: { id: string }) => x.id === k.id);
    expect(view).toMatchObject({ monthly_limit_usd: 1, revoked_at: null });
    expect((await k.call("/api/v1/chat/completions", chat({ model: "loc/loc-m" }))).status).toBe(200);
    expect(
      (
        await mallory.call("/api/v1/chat/completions", {
          body: { ...chat().body, model: "loc/loc-m", api_key_id: k.id },
        })
      ).status,
    ).toBe(200);
    const [used] = await sql<{ n: string }>(f.url, "SELECT count(*)::text AS n FROM usage_logs WHERE api_key_id = $1", [
      k.id,
    ]);
    expect(used!.n).toBe("1");
    // Revoked by its owner: the key stops at once, and a revoked key cannot be edited.
    expect((await alice.call(`/api/keys/${k.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await k.call("/api/v1/chat/completions", chat())).status).toBe(401);
    expect((await alice.call(`/api/keys/${k.id}`, { method: "PATCH", body: { rpm: 5 } })).status).toBe(409);
  });
});
