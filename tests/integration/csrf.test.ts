// Cross-site request forgery against every family of writes: a page on another site can make a
// signed-in browser send any POST/PUT/PATCH/DELETE with the session cookie attached. Each such
// request must prove it comes from our own pages (Origin, or Sec-Fetch-Site: same-origin), and a
// refused one must change nothing. Gateway keys are never attached by a browser, so they are
// exempt. Sessions come from next-auth's real sign-in over HTTP.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { isSignupEnabled } from "../../lib/system/settings.ts";
import { createUser } from "../../lib/users/users.ts";
import { startStripeDouble, type StripeDouble } from "../doubles/stripe-server.ts";
import { pointAppAt, stopStripeForApp } from "../helpers/stripe-env.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { signIn } from "../harness/sign-in.ts";

const EVIL = "http://evil.example";

let f: GatewayFixture;
let stripe: StripeDouble;
let adminCookie: string;
let userCookie: string;
const unique = () => randomUUID().slice(0, 8);
let target: { id: string; email: string };
let byokProvider: string;
let modelProvider: string;
let passwordUser: { id: string; email: string; password: string; cookie: string; key: string };
const saved = { AUTH_TRUST_HOST: process.env.AUTH_TRUST_HOST, NEXTAUTH_URL: process.env.NEXTAUTH_URL };

async function session(email: string, password: string): Promise<string> {
  const r = await signIn(f.app.url, email, password);
  if (r.error || !r.cookie) throw new Error(`sign-in as ${email} failed: ${r.error}`);
  return r.cookie;
}

beforeAll(async () => {
  f = await startGatewayFixture();
  // As `npm start` runs the app without NEXTAUTH_URL: the app's origin is the request's Host.
  process.env.AUTH_TRUST_HOST = "true";
  delete process.env.NEXTAUTH_URL;
  stripe = await startStripeDouble();
  pointAppAt(stripe);
  adminCookie = await session("admin@fixture.test", "admin-password");
  userCookie = await session("user@fixture.test", "user-password");
  target = await createUser(f.db, { email: `target-${unique()}@csrf.test`, password: "target-password" });
  modelProvider = (await f.addProvider(`csrf-models-${unique()}`)).slug;
  byokProvider = (await f.addProvider(`csrf-byok-${unique()}`, { withKey: false })).slug;
  const pw = { email: `pw-${unique()}@csrf.test`, password: "original-password" };
  const u = await createUser(f.db, pw);
  passwordUser = {
    id: u.id,
    ...pw,
    cookie: await session(pw.email, pw.password),
    key: (await createApiKey(f.db, u.id, { name: "pw" })).key,
  };
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await stopStripeForApp(stripe);
  await f?.close();
});

type Res = { status: number; json: any };

async function send(
  method: string,
  path: string,
  opts: { cookie?: string; key?: string; headers?: Record<string, string>; body?: unknown; rawBody?: string },
): Promise<Res> {
  const headers: Record<string, string> = {
    ...(opts.cookie ? { cookie: opts.cookie } : {}),
    ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
    ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
    ...opts.headers,
  };
  const res = await fetch(`${f.app.url}${path}`, {
    method,
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/**
 * One kind of write. `request` builds a fresh request that would change something if it went
 * through (so a refusal that leaks a write is seen); `state` reads what it would change.
 */
type Family = {
  name: string;
  as: "admin" | "user";
  request: () => Promise<{ method: string; path: string; body?: unknown }>;
  state: () => Promise<unknown>;
};

const families: Family[] = [
  {
    name: "admin users: create",
    as: "admin",
    request: async () => ({
      method: "POST",
      path: "/api/admin/users",
      body: { email: `made-${unique()}@csrf.test`, password: "a-new-admin-pw", role: "ADMIN" },
    }),
    state: () => f.db.user.count({ where: { role: "ADMIN" } }),
  },
  {
    name: "admin users: change role",
    as: "admin",
    request: async () => {
      const { role } = await f.db.user.findUniqueOrThrow({ where: { id: target.id } });
      return {
        method: "PATCH",
        path: `/api/admin/users/${target.id}`,
        body: { role: role === "USER" ? "FINANCE" : "USER" },
      };
    },
    state: async () => (await f.db.user.findUniqueOrThrow({ where: { id: target.id } })).role,
  },
  {
    name: "admin credits grant",
    as: "admin",
    request: async () => ({
      method: "POST",
      path: `/api/admin/users/${target.id}/credits`,
      body: { amount_usd: 3, reason: `csrf ${unique()}` },
    }),
    state: () => f.db.ledgerEntry.count({ where: { account: { userId: target.id } } }),
  },
  {
    name: "admin providers: create",
    as: "admin",
    request: async () => ({
      method: "POST",
      path: "/api/admin/providers",
      body: {
        slug: `csrf-${unique()}`,
        name: "csrf",
        kind: "openai-compatible",
        base_url: `${f.mock.url}/v1`,
        api_key: "upstream-secret",
        priority: 10,
        region: "us",
        is_local: false,
        first_token_timeout_ms: 3000,
      },
    }),
    state: () => f.db.provider.count(),
  },
  {
    name: "admin providers: edit",
    as: "admin",
    request: async () => {
      const p = await f.db.provider.findUniqueOrThrow({ where: { slug: modelProvider } });
      return { method: "PATCH", path: `/api/admin/providers/${p.id}`, body: { priority: p.priority === 40 ? 41 : 40 } };
    },
    state: async () => (await f.db.provider.findUniqueOrThrow({ where: { slug: modelProvider } })).priority,
  },
  {
    name: "admin models: create",
    as: "admin",
    request: async () => ({
      method: "POST",
      path: "/api/admin/models",
      body: {
        provider: modelProvider,
        upstream_id: `m-${unique()}`,
        name: "csrf model",
        power_level: "ECO",
        input_per_1m: 1,
        output_per_1m: 2,
        latency_ms: 300,
        quality: 7,
        context_tokens: 8192,
        capabilities: ["chat"],
      },
    }),
    state: () => f.db.llmModel.count(),
  },
  {
    name: "admin routing rules: create",
    as: "admin",
    request: async () => ({
      method: "POST",
      path: "/api/admin/routing-rules",
      body: { name: `csrf ${unique()}`, actions: { force_power_level: "ECO" } },
    }),
    state: () => f.db.routingRule.count(),
  },
  {
    name: "admin settings: switch sign-up",
    as: "admin",
    request: async () => ({
      method: "PATCH",
      path: "/api/admin/settings",
      body: { signup_enabled: !(await isSignupEnabled(f.db)) },
    }),
    state: () => isSignupEnabled(f.db),
  },
  {
    name: "keys: create",
    as: "user",
    request: async () => ({ method: "POST", path: "/api/keys", body: { name: `csrf ${unique()}` } }),
    state: () => f.db.apiKey.count({ where: { userId: f.user.id } }),
  },
  {
    name: "keys: revoke",
    as: "user",
    request: async () => {
      const { id } = await createApiKey(f.db, f.user.id, { name: `to revoke ${unique()}` });
      return { method: "DELETE", path: `/api/keys/${id}` };
    },
    state: () => f.db.apiKey.count({ where: { userId: f.user.id, revokedAt: { not: null } } }),
  },
  {
    name: "byok: store a provider key",
    as: "user",
    // The key the fixture's mock accepts (keys are checked before they are stored); sealed anew each time, so the state still changes.
    request: async () => ({
      method: "POST",
      path: "/api/byok",
      body: { provider: byokProvider, api_key: "upstream-secret" },
    }),
    state: async () =>
      (await f.db.userProviderKey.findMany({ where: { userId: f.user.id }, select: { ciphertext: true } })).map(
        (r) => r.ciphertext,
      ),
  },
  {
    name: "settings: monthly budget",
    as: "user",
    request: async () => ({
      method: "PUT",
      path: "/api/settings",
      body: { monthly_budget_usd: Math.floor(Math.random() * 1e6) / 100 },
    }),
    state: async () =>
      String((await f.db.userSettings.findUnique({ where: { userId: f.user.id } }))?.monthlyBudgetMicros ?? null),
  },
  {
    name: "conversations: create",
    as: "user",
    request: async () => ({ method: "POST", path: "/api/conversations", body: { title: `csrf ${unique()}` } }),
    state: () => f.db.conversation.count({ where: { userId: f.user.id } }),
  },
  {
    name: "conversations: delete",
    as: "user",
    request: async () => {
      const c = await f.db.conversation.create({ data: { userId: f.user.id, title: `to delete ${unique()}` } });
      return { method: "DELETE", path: `/api/conversations/${c.id}` };
    },
    state: async () => f.db.conversation.count({ where: { userId: f.user.id, title: { startsWith: "to delete" } } }),
  },
  {
    name: "credits checkout",
    as: "user",
    request: async () => ({ method: "POST", path: "/api/credits/checkout", body: { amount_usd: 10 } }),
    state: async () => stripe.sessions.size,
  },
];

function expectRefused(res: Res, status = 403) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json.error.code).toBe(status === 403 ? "cross_site_request" : "unsupported_media_type");
}

describe.each(families)("$name", (family) => {
  const cookie = () => (family.as === "admin" ? adminCookie : userCookie);
  const key = () => (family.as === "admin" ? f.adminKey : f.userKey);

  async function attempt(auth: { cookie?: string; key?: string }, headers: Record<string, string>, rawType?: string) {
    const { method, path, body } = await family.request();
    const before = await family.state();
    const res = await send(method, path, {
      ...auth,
      body: rawType ? undefined : body,
      rawBody: rawType ? JSON.stringify(body) : undefined,
      headers: { ...headers, ...(rawType ? { "content-type": rawType } : {}) },
    });
    const after = await family.state();
    return { res, changed: JSON.stringify(after) !== JSON.stringify(before) };
  }

  it("with the session cookie and a foreign Origin: 403, nothing written", async () => {
    const { res, changed } = await attempt({ cookie: cookie() }, { origin: EVIL });
    expectRefused(res);
    expect(res.json.error.message).toContain(EVIL);
    expect(changed).toBe(false);
  });

  it("with the session cookie and neither Origin nor Sec-Fetch-Site: 403, nothing written", async () => {
    const { res, changed } = await attempt({ cookie: cookie() }, {});
    expectRefused(res);
    expect(changed).toBe(false);
  });

  it("with the session cookie from our own origin: done", async () => {
    const { res, changed } = await attempt({ cookie: cookie() }, { origin: f.app.url });
    expect(res.status, JSON.stringify(res.json)).toBeLessThan(300);
    expect(changed).toBe(true);
  });

  it("with a gateway key, even with a foreign Origin: done", async () => {
    const { res, changed } = await attempt({ key: key() }, { origin: EVIL });
    expect(res.status, JSON.stringify(res.json)).toBeLessThan(300);
    expect(changed).toBe(true);
  });
});

describe("the reported attack and its variants", () => {
  it("a text/plain POST from another site cannot create an admin with the admin's cookie", async () => {
    const email = `evil-${unique()}@csrf.test`;
    const body = JSON.stringify({ email, password: "attacker-password", role: "ADMIN" });
    const res = await send("POST", "/api/admin/users", {
      cookie: adminCookie,
      headers: { origin: EVIL, "content-type": "text/plain" },
      rawBody: body,
    });
    expectRefused(res);
    // Without Origin, as some privacy tools strip it; and with a lying Sec-Fetch-Site.
    expectRefused(
      await send("POST", "/api/admin/users", {
        cookie: adminCookie,
        headers: { "content-type": "text/plain" },
        rawBody: body,
      }),
    );
    expectRefused(
      await send("POST", "/api/admin/users", {
        cookie: adminCookie,
        headers: { "sec-fetch-site": "cross-site" },
        body: JSON.parse(body),
      }),
    );
    expect(await f.db.user.count({ where: { email } })).toBe(0);
  });

  it("a same-origin write whose body is not JSON is refused with 415, and writes nothing", async () => {
    const email = `plain-${unique()}@csrf.test`;
    const res = await send("POST", "/api/admin/users", {
      cookie: adminCookie,
      headers: { origin: f.app.url, "content-type": "text/plain" },
      rawBody: JSON.stringify({ email, password: "some-password" }),
    });
    expectRefused(res, 415);
    expect(await f.db.user.count({ where: { email } })).toBe(0);
  });

  it("Sec-Fetch-Site: same-origin stands in for a missing Origin", async () => {
    const res = await send("POST", "/api/conversations", {
      cookie: userCookie,
      headers: { "sec-fetch-site": "same-origin" },
      body: { title: "from our page" },
    });
    expect(res.status).toBe(201);
  });

  it("the gateway API refuses a cookie-authenticated completion from another site, in OpenAI's error shape", async () => {
    const before = await f.db.usageLog.count();
    const res = await send("POST", "/api/v1/chat/completions", {
      cookie: userCookie,
      headers: { origin: EVIL },
      body: { model: "auto", messages: [{ role: "user", content: "hi" }] },
    });
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({ type: "permission_error", code: "cross_site_request" });
    expect(await f.db.usageLog.count()).toBe(before);
  });

  it("reads are not affected", async () => {
    expect((await send("GET", "/api/keys", { cookie: userCookie, headers: { origin: EVIL } })).status).toBe(200);
  });

  it("a checkout started from our own page returns the user to our own origin, whatever X-Forwarded-Host says", async () => {
    const res = await send("POST", "/api/credits/checkout", {
      cookie: userCookie,
      headers: { origin: f.app.url, "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
      body: { amount_usd: 10 },
    });
    expect(res.status).toBe(200);
    expect(stripe.sessions.get(res.json.session_id)!.success_url).toBe(
      `${f.app.url}/credits/success?session_id={CHECKOUT_SESSION_ID}`,
    );
  });
});

describe("account password", () => {
  const put = (auth: { cookie?: string; key?: string }, headers: Record<string, string>, next: string) =>
    send("PUT", "/api/account/password", {
      ...auth,
      headers,
      body: { current_password: passwordUser.password, new_password: next },
    });
  const hash = async () => (await f.db.user.findUniqueOrThrow({ where: { id: passwordUser.id } })).passwordHash;

  it("cannot be changed from another site, nor without Origin; can from our own page and with a key", async () => {
    const start = await hash();
    expectRefused(await put({ cookie: passwordUser.cookie }, { origin: EVIL }, "attacker-chosen-1"));
    expectRefused(await put({ cookie: passwordUser.cookie }, {}, "attacker-chosen-2"));
    expect(await hash()).toBe(start);

    expect((await put({ cookie: passwordUser.cookie }, { origin: f.app.url }, "changed-at-home-1")).status).toBe(204);
    passwordUser.password = "changed-at-home-1";
    const afterOwn = await hash();
    expect(afterOwn).not.toBe(start);

    expect((await put({ key: passwordUser.key }, { origin: EVIL }, "changed-by-script-1")).status).toBe(204);
    expect(await hash()).not.toBe(afterOwn);
  });
});

describe("writes without a session", () => {
  it("sign-up: refused when a browser says another site sent it; scripts without Origin and our own page may sign up", async () => {
    const email = () => `signup-${unique()}@csrf.test`;
    const evil = email();
    expectRefused(
      await send("POST", "/api/signup", {
        headers: { origin: EVIL },
        body: { email: evil, password: "signup-password" },
      }),
    );
    expectRefused(
      await send("POST", "/api/signup", {
        headers: { "sec-fetch-site": "cross-site" },
        body: { email: evil, password: "signup-password" },
      }),
    );
    expect(await f.db.user.count({ where: { email: evil } })).toBe(0);
    expect((await send("POST", "/api/signup", { body: { email: email(), password: "signup-password" } })).status).toBe(
      201,
    );
    expect(
      (
        await send("POST", "/api/signup", {
          headers: { origin: f.app.url },
          body: { email: email(), password: "signup-password" },
        })
      ).status,
    ).toBe(201);
  });

  it("first-run setup: another site is refused before anything else is decided", async () => {
    expectRefused(
      await send("POST", "/api/setup", {
        headers: { origin: EVIL },
        body: { email: `setup-${unique()}@csrf.test`, password: "setup-password" },
      }),
    );
    // Without Origin it reaches the real decision: an admin exists already.
    expect(
      (await send("POST", "/api/setup", { body: { email: `setup-${unique()}@csrf.test`, password: "setup-password" } }))
        .status,
    ).toBe(409);
  });

  it("the Stripe webhook is judged by its signature alone, whatever Origin it carries", async () => {
    const ev = stripe.event("checkout.session.completed", {
      id: `cs_test_${unique()}`,
      object: "checkout.session",
      payment_status: "unpaid",
      metadata: {},
    });
    const signed = await send("POST", "/api/stripe/webhook", {
      headers: { origin: EVIL, "stripe-signature": ev.signature, "content-type": "application/json" },
      rawBody: ev.payload,
    });
    expect(signed.status, JSON.stringify(signed.json)).toBe(200);
    const forged = await send("POST", "/api/stripe/webhook", {
      headers: { origin: EVIL, "stripe-signature": "t=1,v1=00", "content-type": "application/json" },
      rawBody: ev.payload,
    });
    expect(forged.status).toBe(400);
  });
});
