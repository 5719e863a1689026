import { gateway } from "../../lib/gateway/context.ts";
import { CircuitBreakers } from "../../lib/health/circuit-breaker.ts";
import { randomBytes, randomUUID } from "node:crypto";
import OpenAI from "openai";
import { createTestDatabase, type TestDatabase } from "../setup/test-db.ts";
import { startMockUpstream, type MockUpstream } from "../doubles/mock-upstream.ts";
import { startAppServer } from "./app-server.ts";
import { createUser } from "../../lib/users/users.ts";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { postEntry } from "../../lib/ledger/ledger.ts";

export type GatewayFixture = Awaited<ReturnType<typeof startGatewayFixture>>;
/** A user with a gateway key and an API caller acting with it (`f.newCaller`). */
export type FixtureCaller = Awaited<ReturnType<GatewayFixture["newCaller"]>>;

/**
 * A gateway under test: a fresh database (PGlite or PostgreSQL, per the vitest project), the
 * app's real handlers over HTTP, a mock upstream speaking OpenAI and Anthropic, and two callers.
 * Every seeded provider is disabled so routing only sees the mock providers a test registers.
 */
export async function startGatewayFixture() {
  process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
  process.env.SWITCHYARD_MASTER_KEY = randomBytes(32).toString("base64");
  const database: TestDatabase = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const db = database.db;
  await db.provider.updateMany({ data: { enabled: false } });

  const mock: MockUpstream = await startMockUpstream({ apiKey: "upstream-secret" });
  const app = await startAppServer();

  const admin = await createUser(db, { email: "admin@fixture.test", password: "admin-password", role: "ADMIN" });
  const user = await createUser(db, { email: "user@fixture.test", password: "user-password", role: "USER" });
  const adminKey = (await createApiKey(db, admin.id, { name: "fixture" })).key;
  const userKey = (await createApiKey(db, user.id, { name: "fixture" })).key;

  const call =
    (key: string) =>
    async (path: string, init: { method?: string; body?: unknown } = {}) => {
      const res = await fetch(`${app.url}${path}`, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: {
          Authorization: `Bearer ${key}`,
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await res.text();
      let json: any;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: res.status, headers: res.headers, json, text };
    };
  const asAdmin = call(adminKey);
  const asUser = call(userKey);

  /** Registers a provider pointing at the mock upstream, through the admin API. */
  async function addProvider(
    slug: string,
    opts: {
      kind?: "openai-compatible" | "anthropic";
      priority?: number;
      region?: string;
      isLocal?: boolean;
      withKey?: boolean;
      firstTokenTimeoutMs?: number;
    } = {},
  ) {
    const kind = opts.kind ?? "openai-compatible";
    const res = await asAdmin("/api/admin/providers", {
      body: {
        slug,
        name: slug,
        kind,
        base_url: kind === "anthropic" ? mock.url : `${mock.url}/v1`,
        ...(opts.withKey === false ? {} : { api_key: "upstream-secret" }),
        priority: opts.priority ?? 50,
        region: opts.region ?? "us",
        is_local: opts.isLocal ?? false,
        first_token_timeout_ms: opts.firstTokenTimeoutMs ?? 3000,
        ...(opts.withKey === false ? { requires_key: true } : {}),
      },
    });
    if (res.status !== 201) throw new Error(`addProvider ${slug}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json as { id: string; slug: string };
  }

  async function addModel(
    provider: string,
    upstreamId: string,
    opts: {
      level?: "ECO" | "BALANCED" | "PRECISION";
      input?: number;
      output?: number;
      latencyMs?: number;
      quality?: number;
      context?: number;
      capabilities?: string[];
    } = {},
  ) {
    const res = await asAdmin("/api/admin/models", {
      body: {
        provider,
        upstream_id: upstreamId,
        name: `${provider} ${upstreamId}`,
        power_level: opts.level ?? "BALANCED",
        input_per_1m: opts.input ?? 1,
        output_per_1m: opts.output ?? 2,
        latency_ms: opts.latencyMs ?? 300,
        quality: opts.quality ?? 8,
        context_tokens: opts.context ?? 32768,
        capabilities: opts.capabilities ?? ["chat", "tools"],
      },
    });
    if (res.status !== 201) throw new Error(`addModel ${upstreamId}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json as { id: string; model_id: string };
  }

  async function grant(userId: string, usd: number) {
    await postEntry(db, { userId, type: "GRANT", amountMicros: Math.round(usd * 1e6), reference: "test grant" });
  }

  /** A fresh USER with a gateway key, optionally granted credits (micro-USD), and an API caller for it. */
  async function newCaller(label: string, grantMicros = 0) {
    const email = `${label}-${randomUUID().slice(0, 8)}@test.example`;
    const created = await createUser(db, { email, password: "account-password" });
    const key = (await createApiKey(db, created.id, { name: label })).key;
    if (grantMicros)
      await postEntry(db, { userId: created.id, type: "GRANT", amountMicros: grantMicros, reference: "test grant" });
    return { id: created.id, key, email, call: call(key) };
  }

  return {
    /** The environment a separate app process (tests/helpers/app-process.ts) needs to serve this fixture's database. */
    appEnv: (extra: Record<string, string> = {}) => ({
      DATABASE_URL: database.url,
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET!,
      SWITCHYARD_MASTER_KEY: process.env.SWITCHYARD_MASTER_KEY!,
      ...extra,
    }),
    db,
    url: database.url,
    app,
    mock,
    admin,
    user,
    adminKey,
    userKey,
    asAdmin,
    asUser,
    addProvider,
    addModel,
    grant,
    newCaller,
    /** An API caller acting with any gateway key. */
    callAs: call,
    openai: (key = userKey) => new OpenAI({ baseURL: `${app.url}/api/v1`, apiKey: key, maxRetries: 0 }),
    /**
     * Judges every provider afresh: a new breaker for this process and no circuit in the shared
     * table (lib/health/shared-circuits.ts), which outlives a test that opened one.
     */
    async resetCircuits() {
      gateway().breakers = new CircuitBreakers();
      await db.providerCircuit.deleteMany({});
      gateway().circuits?.invalidate();
    },
    /** Between tests: the mock behaves normally with no requests recorded, and circuits are reset. */
    async reset() {
      mock.resetBehavior();
      mock.clearRequests();
      await this.resetCircuits();
    },
    async close() {
      await app.close();
      await mock.close();
      await database.drop();
    },
  };
}
