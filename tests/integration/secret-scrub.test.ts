/**
 * Upstreams that echo the credentials they were sent ("Incorrect API key provided: sk-…") must
 * not hand a platform key to an ordinary user, nor a user's BYOK key to admins: not in any
 * response, log line or database row.
 */
import { randomBytes } from "node:crypto";
import { format } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture";
import { startMockUpstream, type MockBehavior, type MockUpstream } from "../doubles/mock-upstream";
import { sql } from "../setup/test-db";
import { writeUsage } from "../helpers/usage-row.ts";

const tail = (bytes: number) => randomBytes(bytes).toString("hex");
// Two look like keys; two look like nothing, so only knowing the exact key can catch them.
const KEYS = {
  platformOpenAi: `sk-platformSECRET-${tail(8)}`,
  platformAnthropic: `platform-secret-${tail(4)}`,
  byokOpenAi: `byok-user-secret-${tail(4)}`,
  byokAnthropic: `sk-ant-userSECRET-${tail(8)}`,
};
const SECRETS = Object.values(KEYS);
/** The random part of each key: a leak of any form of the key (whole, escaped, in a header) contains it. */
const MARKERS = SECRETS.map((k) => k.slice(k.lastIndexOf("-") + 1));

function leaksIn(text: string): string[] {
  return MARKERS.filter((m) => text.includes(m));
}

const PROVIDERS = [
  { slug: "leaky-platform-oai", kind: "openai-compatible", key: KEYS.platformOpenAi, byok: false },
  { slug: "leaky-platform-ant", kind: "anthropic", key: KEYS.platformAnthropic, byok: false },
  { slug: "leaky-byok-oai", kind: "openai-compatible", key: KEYS.byokOpenAi, byok: true },
  { slug: "leaky-byok-ant", kind: "anthropic", key: KEYS.byokAnthropic, byok: true },
] as const;
const modelOf = (slug: string) => `${slug}/model`;

const SCENARIOS: { name: string; behavior: MockBehavior }[] = [
  { name: "400", behavior: { status: 400, echoCredentials: true } },
  { name: "401", behavior: { status: 401, echoCredentials: true } },
  { name: "500", behavior: { status: 500, echoCredentials: true } },
  { name: "error event before any content", behavior: { echoCredentials: true, streamError: { afterChunks: 0 } } },
  { name: "error event after content", behavior: { echoCredentials: true, streamError: { afterChunks: 2 } } },
];

let f: GatewayFixture;
let leaky: MockUpstream;
/** Everything the user and admins were sent, and everything printed, while the tests ran. */
const seen: { where: string; text: string }[] = [];
const printed: string[] = [];

beforeAll(async () => {
  f = await startGatewayFixture();
  // The fixture's own mock checks one fixed key; this one lets every key through to its scripted failure.
  leaky = await startMockUpstream();
  for (const p of PROVIDERS) {
    const res = await f.asAdmin("/api/admin/providers", {
      body: {
        slug: p.slug,
        name: p.slug,
        kind: p.kind,
        base_url: p.kind === "anthropic" ? leaky.url : `${leaky.url}/v1`,
        ...(p.byok ? {} : { api_key: p.key }),
        priority: 50,
        region: "us",
        first_token_timeout_ms: 3000,
      },
    });
    expect(res.status).toBe(201);
    await f.addModel(p.slug, "model", { level: "BALANCED" });
    if (p.byok) expect((await f.asUser("/api/byok", { body: { provider: p.slug, api_key: p.key } })).status).toBe(201);
  }
  await f.grant(f.user.id, 10);
  capturePrinted();
});

afterAll(async () => {
  vi.restoreAllMocks();
  await leaky?.close();
  await f?.close();
});

function capturePrinted() {
  for (const method of ["log", "error", "warn", "info", "debug"] as const) {
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(format(...args));
      original(...args);
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      printed.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      return original(chunk, ...rest);
    }) as typeof stream.write);
  }
}

/** A raw call, so every byte the client gets (status, headers, body, stream frames) is kept. */
async function complete(model: string, stream: boolean) {
  // Every request judges providers afresh, so each one really reaches its upstream.
  await f.resetCircuits();
  const res = await fetch(`${f.app.url}/api/v1/chat/completions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${f.userKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hello there" }] }),
  });
  const body = await res.text();
  const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
  seen.push({ where: `${stream ? "streamed" : "plain"} ${model}`, text: `${res.status}\n${headers}\n\n${body}` });
  return { status: res.status, body, requestId: res.headers.get("x-request-id")! };
}

async function see<R extends { status: number; text: string; headers: Headers }>(
  where: string,
  call: Promise<R>,
): Promise<R> {
  const res = await call;
  seen.push({
    where,
    text: `${res.status}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n${res.text}`,
  });
  return res;
}

async function databaseDump(): Promise<{ where: string; text: string }[]> {
  const tables = await sql<{ name: string }>(
    f.url,
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
  );
  expect(tables.map((t) => t.name)).toEqual(
    expect.arrayContaining(["usage_logs", "provider_health_samples", "providers", "user_provider_keys"]),
  );
  const rows: { where: string; text: string }[] = [];
  for (const { name } of tables) {
    for (const r of await sql<{ row: string }>(f.url, `SELECT row_to_json(t)::text AS row FROM "${name}" t`))
      rows.push({ where: `table ${name}`, text: r.row });
  }
  return rows;
}

describe("credentials echoed by an upstream", () => {
  const requestIds: string[] = [];

  for (const p of PROVIDERS) {
    for (const s of SCENARIOS) {
      for (const stream of [false, true]) {
        it(`${p.slug}, ${s.name}, ${stream ? "streamed" : "not streamed"}: the client's answer carries no key`, async () => {
          if (p.byok) {
            // A 401 earlier marked the user's key invalid (routing stops using it): store it again, as the user would.
            leaky.resetBehavior();
            expect((await f.asUser("/api/byok", { body: { provider: p.slug, api_key: p.key } })).status).toBe(201);
          }
          leaky.setBehavior(s.behavior);
          const before = leaky.requests.length;
          const res = await complete(modelOf(p.slug), stream);
          // The upstream really got the key and echoed it: what comes back is the scrubbed echo.
          expect(leaky.requests.slice(before).map((r) => r.headers.authorization ?? r.headers["x-api-key"])).toContain(
            p.kind === "anthropic" ? p.key : `Bearer ${p.key}`,
          );
          expect(res.body).toContain("Incorrect API key provided: [redacted]");
          expect(leaksIn(res.body)).toEqual([]);
          requestIds.push(res.requestId);
          if (p.byok && s.name === "401") {
            // Refused in traffic: marked invalid, with the provider's reason stored and shown scrubbed.
            const listed = await f.asUser("/api/byok");
            const mine = listed.json.data.find((k: { provider: string }) => k.provider === p.slug);
            expect(mine).toMatchObject({ status: "invalid" });
            expect(mine.invalid_reason).toContain("[redacted]");
            expect(leaksIn(listed.text)).toEqual([]);
          }
        });
      }
    }
  }

  it("says what the upstream said, minus the key", async () => {
    leaky.setBehavior({ status: 400, echoCredentials: true });
    const res = await complete(modelOf("leaky-platform-ant"), false);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toBe(
      "leaky-platform-ant rejected the request: mock error 400: Incorrect API key provided: [redacted]. (x-api-key: [redacted])",
    );
  });

  it("keeps every key out of a fallback walk over all providers", async () => {
    leaky.setBehavior({ status: 500, echoCredentials: true });
    const res = await complete("balanced", false);
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body).error.message).toMatch(
      /^No provider could serve the request\. Tried: (.*model \(500: mock error 500: Incorrect API key provided: \[redacted\]\..*){4}$/,
    );
    requestIds.push(res.requestId);
  });

  it("keeps every key out of the usage views", async () => {
    for (const id of requestIds) {
      const res = await see(`usage of ${id}`, f.asUser(`/api/usage/requests/${id}`));
      expect(res.status).toBe(200);
      expect(res.json.status).not.toBe("success");
    }
    for (const groupBy of ["day", "provider", "model"])
      await see(`usage by ${groupBy}`, f.asUser(`/api/usage?group_by=${groupBy}`));
    await see("byok list", f.asUser("/api/byok"));
  });

  it("keeps every key out of the admin views", async () => {
    const health = await see("admin health", f.asAdmin("/api/admin/health"));
    const errors = health.json.data
      .filter((h: { provider: string }) => h.provider.startsWith("leaky-"))
      .map((h: { last_error: string }) => h.last_error);
    expect(errors).toHaveLength(4);
    for (const e of errors) expect(e).toContain("[redacted]");
    await see("admin providers", f.asAdmin("/api/admin/providers"));
    await see("admin users", f.asAdmin("/api/admin/users"));
  });

  it("leaves no key in anything sent, printed or stored", async () => {
    // The capture itself works, so an empty console is a real "nothing printed".
    console.info("secret-scrub: console capture check");
    expect(printed.some((line) => line.includes("console capture check"))).toBe(true);
    const dump = await databaseDump();
    expect(dump.some((r) => r.where === "table usage_logs" && r.text.includes("[redacted]"))).toBe(true);
    const everything = [...seen, ...printed.map((text) => ({ where: "console", text })), ...dump];
    const leaks = everything.flatMap(({ where, text }) =>
      leaksIn(text).map(
        (m) => `${where}: …${text.slice(Math.max(0, text.indexOf(m) - 80), text.indexOf(m) + m.length)}`,
      ),
    );
    expect(leaks).toEqual([]);
  });
});

describe("the usage row itself", () => {
  it("is stored scrubbed even if the error text given to it was not", async () => {
    const id = `scrub-${tail(4)}`;
    const echoed = `Incorrect API key provided: ${KEYS.platformOpenAi} (Authorization: Bearer ${KEYS.platformOpenAi})`;
    await writeUsage(f.db, {
      id,
      userId: f.user.id,
      apiKeyId: null,
      providerId: null,
      modelId: null,
      providerSlug: "leaky-platform-oai",
      modelName: "model",
      powerLevel: "BALANCED",
      taskType: "chat",
      promptTokens: 0,
      completionTokens: 0,
      chargedMicros: 0,
      providerCostMicros: 0,
      precisionCostMicros: null,
      latencyMs: 1,
      ttftMs: null,
      status: "error",
      errorMessage: echoed,
      fallbackCount: 0,
      byok: false,
      stream: false,
      attempts: [
        {
          provider: "leaky-platform-oai",
          model: "model",
          ok: false,
          status: 401,
          error: echoed,
          latency_ms: 1,
          ttft_ms: null,
        },
      ],
    });
    const [row] = await sql<{ error_message: string; attempts: { error: string }[] }>(
      f.url,
      "SELECT error_message, attempts FROM usage_logs WHERE id = $1",
      [id],
    );
    expect(row!.error_message).toBe("Incorrect API key provided: [redacted] (Authorization: Bearer [redacted])");
    expect(row!.attempts[0]!.error).toBe(row!.error_message);
  });
});
