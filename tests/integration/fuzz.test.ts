// Every API route and method — the list derived from the app/api tree, the methods read from each
// route module — fed bad input as an admin and as a plain user (and anonymously where the route is
// public): malformed JSON, each field of a plausible body swapped for every other JSON type, NUL
// and lone surrogates in every string, huge and negative numbers and NaN-ish strings, 100k-char
// strings, absurd nesting, bad query strings and bad path ids. Nothing may answer 5xx, and every
// 4xx must carry the API's JSON error shape (OpenAI's under /api/v1).
//
// Every caller gets every whole-body, query and path-id variant. The per-field variants are dealt
// out round-robin among the callers a route lets in (they run the same handler code after the
// access check); a caller the route refuses gets the whole-body and path-id variants only, as it
// is answered 401/403 before anything else is read.
//
// A new route is fuzzed as soon as it exists. One that takes a body or path params the fuzzer
// cannot guess fails here until PLAUSIBLE / validIds below say what good input looks like.
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { createUser } from "../../lib/users/users.ts";
import type { StripeDouble } from "../doubles/stripe-server.ts";
import { startStripeForApp, stopStripeForApp } from "../helpers/stripe-env.ts";
import { errorShapeOf, expectedArea, isPublic } from "../harness/api-access.ts";
import { apiRoutes, routeMethods, routeModule, type ApiRoute, type HttpMethod } from "../harness/app-server.ts";
import { fillTemplate } from "../harness/api-routes.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Who = "admin" | "user" | "anonymous";

let f: GatewayFixture;
let stripe: StripeDouble;
const signer = new Stripe("sk_test_signer").webhooks;
const ids: Record<string, Record<string, string>> = {};
let userId = "";

const NEXTAUTH = "/api/auth/[...nextauth]";

// ---------------------------------------------------------------------------------------------
// What good input looks like, per "METHOD /template". Several bodies where one would leave a
// branch unvisited (streaming, content parts, each Stripe event the webhook handles).

function plausible(key: string): Json[] | undefined {
  const chat: Record<string, Json> = {
    model: "auto",
    messages: [{ role: "user", content: "hello" }],
    max_tokens: 16,
    temperature: 0.5,
    top_p: 1,
    n: 1,
    stop: ["\n\n"],
    user: "u-1",
    power_level: "BALANCED",
    task_type: "chat",
    privacy_required: false,
    latency_slo: "normal",
    quality: "good",
    max_cost_usd: 1,
    region: "us",
    stream: false,
  };
  const chatParts: Record<string, Json> = {
    model: "fz/fz-model",
    messages: [
      { role: "system", content: "be brief" },
      { role: "user", content: [{ type: "text", text: "hi" }], name: "n" },
    ],
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
    tool_choice: "auto",
    response_format: { type: "json_object" },
    stream: true,
    stream_options: { include_usage: true },
    max_completion_tokens: 8,
  };
  const provider: Record<string, Json> = {
    slug: "fuzz-made",
    name: "Fuzz made",
    kind: "openai-compatible",
    base_url: "http://127.0.0.1:9/v1",
    api_key: "sk-fuzz-provider",
    enabled: false,
    priority: 10,
    is_local: false,
    region: "us",
    compliance: ["gdpr"],
    requires_key: true,
    first_token_timeout_ms: 1000,
    check_interval_s: 120,
    simulation: { first_token_ms: 1, tokens_per_second: 100, error_rate: 0, error_status: 500, reply: "hi" },
  };
  const model: Record<string, Json> = {
    provider: "fz-target",
    upstream_id: "fuzz-made",
    name: "Fuzz made",
    power_level: "PRECISION",
    input_per_1m: 1.5,
    output_per_1m: 2,
    latency_ms: 300,
    quality: 8,
    context_tokens: 32768,
    capabilities: ["chat"],
    enabled: false,
  };
  const rule: Record<string, Json> = {
    name: "fuzz rule",
    description: "d",
    priority: 5,
    active: false,
    conditions: {
      task_type: ["chat"],
      power_level: "ECO",
      privacy_required: false,
      prompt_tokens: { gt: 1, lt: 100 },
      role: "USER",
      api_key_id: "k",
    },
    actions: { exclude_providers: ["nobody"], prefer_providers: "fz", force_power_level: "ECO" },
  };
  const credentials: Record<string, Json> = { email: "fuzz-new@test.example", password: "fuzz-password-1" };
  const stripeSession: Record<string, Json> = {
    id: "evt_x",
    object: "event",
    type: "checkout.session.completed",
    data: {
      object: {
        id: "cs_x",
        object: "checkout.session",
        payment_status: "paid",
        amount_total: 1000,
        currency: "usd",
        client_reference_id: userId,
        metadata: { user_id: userId },
        payment_intent: "pi_fuzz",
      },
    },
  };
  const stripeRefund: Record<string, Json> = {
    id: "evt_x",
    object: "event",
    type: "charge.refunded",
    data: {
      object: {
        id: "ch_fuzz",
        object: "charge",
        amount: 1000,
        amount_refunded: 100,
        currency: "usd",
        payment_intent: "pi_fuzz",
        metadata: { user_id: userId },
      },
    },
  };
  const table: Record<string, Json[]> = {
    "POST /api/v1/chat/completions": [chat, chatParts],
    "POST /api/v1/route": [chat, chatParts],
    "POST /api/v1/messages": [
      {
        model: "auto",
        max_tokens: 16,
        system: "be brief",
        messages: [{ role: "user", content: "hello" }],
        stop_sequences: ["\n\n"],
        temperature: 0.5,
        metadata: { user_id: "u-1" },
        stream: false,
      },
      {
        model: "fz/fz-model",
        max_tokens: 8,
        stream: true,
        system: [{ type: "text", text: "hi" }],
        tools: [{ name: "f", input_schema: { type: "object" } }],
        tool_choice: { type: "auto" },
        messages: [
          { role: "user", content: [{ type: "text", text: "hi" }] },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "f", input: {} }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }] },
        ],
      },
    ],
    "POST /api/v1/responses": [
      {
        model: "auto",
        input: "hello",
        instructions: "be brief",
        max_output_tokens: 16,
        temperature: 0.5,
        top_p: 1,
        user: "u-1",
        metadata: { k: "v" },
        store: false,
        text: { format: { type: "text" } },
        power_level: "BALANCED",
        task_type: "chat",
        privacy_required: false,
        latency_slo: "normal",
        quality: "good",
        max_cost_usd: 1,
        region: "us",
        stream: false,
      },
      {
        model: "fz/fz-model",
        max_output_tokens: 8,
        stream: true,
        tools: [{ type: "function", name: "f", description: "d", parameters: { type: "object" }, strict: false }],
        tool_choice: { type: "function", name: "f" },
        parallel_tool_calls: true,
        text: { format: { type: "json_object" } },
        input: [
          { role: "developer", content: "be brief" },
          { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
          { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
          { type: "function_call_output", call_id: "call_1", output: "ok" },
        ],
      },
    ],
    "POST /api/v1/embeddings": [
      {
        model: "auto",
        input: "hello",
        dimensions: 8,
        encoding_format: "float",
        user: "u-1",
        power_level: "ECO",
        task_type: "rag",
        privacy_required: false,
        latency_slo: "normal",
        quality: "good",
        max_cost_usd: 1,
        region: "us",
      },
      { model: "fz/fz-embed", input: ["hi", "there"], encoding_format: "base64" },
      { model: "auto", input: [[1, 2, 3], [4]] },
    ],
    "PUT /api/account/password": [{ current_password: "not-the-password", new_password: "another-password-1" }],
    "POST /api/admin/providers": [provider],
    "PATCH /api/admin/providers/[id]": [{ ...provider, slug: "fz-target", simulation: null }],
    "POST /api/admin/models": [model],
    "PATCH /api/admin/models/[id]": [{ ...model, upstream_id: "fz-target-model" }],
    "POST /api/admin/routing-rules": [rule],
    "PATCH /api/admin/routing-rules/[id]": [rule],
    "PATCH /api/admin/settings": [{ signup_enabled: true, byok_fee_percent: 2.5 }],
    "POST /api/admin/users": [{ ...credentials, role: "USER" }],
    "PATCH /api/admin/users/[id]": [{ role: "FINANCE", disabled: false }],
    "POST /api/admin/users/[id]/credits": [{ amount_usd: 5, reason: "fuzz grant" }],
    // The key the fixture's mock accepts: the plausible body is stored (as verified); variants of it are refused.
    "POST /api/byok": [{ provider: "fz-byok", api_key: "upstream-secret", save_unverified: false }],
    "POST /api/conversations": [{ title: "Fuzz chat" }],
    "PATCH /api/conversations/[id]": [{ title: "Renamed", power_level: "ECO" }],
    "POST /api/conversations/[id]/messages": [
      {
        messages: [
          { role: "user", content: "hi" },
          {
            role: "assistant",
            content: "hello",
            meta: {
              model: "m",
              provider: "p",
              prompt_tokens: 1,
              completion_tokens: 1,
              cost_usd: 0.1,
              latency_ms: 1,
              ttft_ms: 1,
              fallbacks: 0,
              request_id: "r",
              routing_reason: "why",
              error: "e",
              extra: { nested: "x" },
            },
          },
        ],
      },
    ],
    "POST /api/credits/checkout": [{ amount_usd: 10 }],
    "POST /api/finance/reconciliation/repair": [{ session_id: "cs_test_fuzz" }],
    "POST /api/keys": [
      {
        name: "fuzz key",
        expires_at: "2999-01-01T00:00:00Z",
        monthly_limit_usd: 1.5,
        allowed_power_levels: ["ECO"],
        allowed_models: ["fz/*"],
        rpm: 60,
        tpm: 100000,
        routing_profile: null,
      },
    ],
    "PATCH /api/keys/[id]": [
      {
        name: "fuzzed",
        monthly_limit_usd: 2,
        allowed_power_levels: null,
        allowed_models: ["fz/*", "fz/fz-model"],
        rpm: null,
        tpm: 5000,
        expires_at: null,
      },
    ],
    "PUT /api/settings": [
      {
        preferred_power_level: "BALANCED",
        routing_weights: { cost: 0.5, latency: 0.3, quality: 0.2 },
        monthly_budget_usd: 1000,
      },
    ],
    "POST /api/setup": [credentials],
    "POST /api/signup": [credentials],
    "POST /api/stripe/webhook": [stripeSession, stripeRefund],
    [`POST ${NEXTAUTH}`]: [{ ...credentials, csrfToken: "t", callbackUrl: "/", json: "true" }],
  };
  return table[key];
}

/** Query parameters a GET route reads; routes not listed get a stray one, which must not matter. */
const QUERIES: Record<string, Record<string, string>> = {
  "/api/usage": { from: "2026-01-01", to: "2026-01-31", group_by: "provider" },
  "/api/credits/ledger": { cursor: "1", limit: "10" },
  "/api/finance/summary": { from: "2026-01-01", to: "2026-01-31" },
  "/api/finance/requests": {
    from: "2026-01-01T00:00:00Z",
    to: "2026-01-31",
    user_id: "fz-user",
    provider: "fz",
    model: "none",
    power_level: "eco",
    day: "2026-01-02",
    cursor: Buffer.from("2026-01-01T00:00:00.000Z|fz-req").toString("base64url"),
    limit: "10",
  },
  "/api/finance/export.csv": { kind: "usage", from: "2026-01-01", to: "2026-01-31" },
  "/api/finance/reconciliation": { from: "2026-01-01", to: "2026-01-31" },
  "/api/admin/users": {
    q: "fz",
    role: "USER",
    cursor: Buffer.from("2026-01-01T00:00:00.000Z|fz-user").toString("base64url"),
    limit: "10",
  },
  "/api/admin/requests": {
    user: "fz-user",
    key: "00000000-0000-4000-8000-000000000001",
    provider: "fz",
    model: "fz/model",
    power_level: "eco",
    status: "error",
    from: "2026-01-01",
    to: "2026-01-31T00:00:00Z",
    cursor: Buffer.from("2026-01-01T00:00:00.000Z|fz-req").toString("base64url"),
    limit: "10",
  },
};

/** Valid path params per route (resources made in beforeAll; the plain user owns the user-side ones). */
function validIds(route: ApiRoute, method: HttpMethod): Record<string, string> | undefined {
  if (route.template === NEXTAUTH) return { nextauth: method === "POST" ? "callback/credentials" : "session" };
  return ids[route.template];
}

// ---------------------------------------------------------------------------------------------
// Bad values

const TYPE_SWAPS: [string, Json][] = [
  ["a number", 42],
  ["a string", "x"],
  ["an array", []],
  ["an object", {}],
  ["null", null],
  ["a boolean", true],
];
const NUMBER_EDGES: [string, Json][] = [
  ["1e308", 1e308],
  ["2**63", 2 ** 63],
  ["-1", -1],
  ["-1e9", -1e9],
  ["0.5", 0.5],
  ["-0.000001", -0.000001],
  ['"NaN"', "NaN"],
  ['"Infinity"', "Infinity"],
  ['"1e309"', "1e309"],
  ['"9223372036854775808"', "9223372036854775808"],
  ['"-1"', "-1"],
];
/**
 * 100k characters of pseudo-random words: incompressible, so size limits (index rows, TOAST) really
 * apply. Not one 100k-character word: the prompt tokenizer takes seconds on that (its cost grows
 * with the square of a word's length) — a performance problem of its own, not what is tested here.
 */
const LONG = (() => {
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let text = "";
  while (text.length < 100_000)
    text += `${Array.from({ length: 3 + Math.floor(next() * 7) }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join("")} `;
  return text.slice(0, 100_000);
})();

const STRING_EDGES: [string, Json][] = [
  ["NUL", "a\u0000b"],
  ["a lone high surrogate", "a\ud800b"],
  ["a lone low surrogate", "\udc00"],
  ["100k chars", LONG],
  ["empty", ""],
  ["blank", "  "],
  ["unicode", "ünï 😀 \u202e"],
  ["a path", "../../etc/passwd"],
];
const NESTED = `{"a":${"[".repeat(200)}${"]".repeat(200)}}`;

/** Whole bodies that are wrong as a whole. */
function bodyVariants(good: Json): [string, string][] {
  const obj = typeof good === "object" && good !== null && !Array.isArray(good) ? good : {};
  return [
    ["malformed JSON", '{"a":'],
    ["not JSON", "hello"],
    ["an empty body", ""],
    ["an array", "[]"],
    ["a string", '"x"'],
    ["a number", "1e308"],
    ["null", "null"],
    ["a NUL in a property name", JSON.stringify({ ...obj, "k\u0000": 1 })],
    ["a lone surrogate in a property name", JSON.stringify({ ...obj, "k\ud800": 1 })],
    ["an unknown field", JSON.stringify({ ...obj, unexpected_field: "x" })],
    ["200 levels of nesting", NESTED],
    ["a 2 MB body", JSON.stringify({ ...obj, pad: "x".repeat(2_000_000) })],
  ];
}

type Leaf = { path: (string | number)[]; value: Json };

function leaves(value: Json, path: (string | number)[] = []): Leaf[] {
  const here = path.length ? [{ path, value }] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => leaves(v, [...path, i]))];
  if (typeof value === "object" && value !== null)
    return [...here, ...Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))];
  return here;
}

function withValue(body: Json, path: (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(body) as Record<string | number, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/**
 * Every field: each other type, absent; strings and numbers also their edge values. A field
 * already varied (in an earlier plausible body of the same route) is not varied again.
 */
function fieldVariants(body: Json, varied: Set<string>): [string, Json][] {
  return leaves(body).flatMap(({ path, value }) => {
    const at = path.join(".");
    const key = `${at}:${Array.isArray(value) ? "array" : typeof value}`;
    if (varied.has(key)) return [];
    varied.add(key);
    const swaps = [
      ...TYPE_SWAPS,
      ...(typeof value === "string" ? STRING_EDGES : []),
      ...(typeof value === "number" ? NUMBER_EDGES : []),
    ];
    return [
      ...swaps.map(([label, v]): [string, Json] => [`${at} = ${label}`, withValue(body, path, v)]),
      [`${at} missing`, withValue(body, path, undefined)],
    ];
  });
}

/**
 * Bad path ids: undecodable, NUL, huge, odd. Not `.` or `..` (raw or as %2E): every URL parser,
 * fetch's and Next's alike, resolves those as dot segments before a route is chosen.
 */
const BAD_IDS: [string, string][] = [
  ["%00", "%00"],
  ["a%00b", "a%00b"],
  ["%ZZ", "%ZZ"],
  ["a lone %", "%"],
  ["broken UTF-8", "%E0%A4%A"],
  ["an encoded surrogate", "%ED%A0%80"],
  ["dots", "..."],
  ["encoded dots", "a%2E%2Eb"],
  ["an encoded slash", "a%2Fb"],
  ["a 10k-char id", "x".repeat(10_000)],
  ["unicode", encodeURIComponent("ünï😀")],
  ["-1", "-1"],
  ["2**63", "9223372036854775808"],
  ["a nil uuid", "00000000-0000-0000-0000-000000000000"],
  ["null", "null"],
  ["a space", "%20"],
];

/** Bad query strings, raw (URLSearchParams would re-encode the broken ones). */
function queryVariants(template: string): [string, string][] {
  const good = QUERIES[template] ?? { x: "1" };
  const enc = (q: Record<string, string>) =>
    Object.entries(q)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join("&");
  const edges: [string, string][] = [
    // Lone surrogates have no UTF-8 form to put in a URL; their encoded bytes are among `raw` below.
    ...STRING_EDGES.filter(([, v]) => typeof v === "string" && v.length < 1000 && v.isWellFormed()).map(
      ([label, v]): [string, string] => [label, String(v)],
    ),
    ...NUMBER_EDGES.map(([label, v]): [string, string] => [label, String(v)]),
    // A URL line past 16 KB is refused by Node's HTTP parser (431) before any app code runs.
    ["8k chars", "x".repeat(8_000)],
    ["an array", "[]"],
    ["an object", "{}"],
    ["null", "null"],
    ["a boolean", "true"],
  ];
  const fields = Object.keys(good).flatMap((k) =>
    edges.map(([label, v]): [string, string] => [`${k} = ${label}`, enc({ ...good, [k]: v })]),
  );
  const raw: [string, string][] = [
    ["%ZZ as a name", "%ZZ=1"],
    ["%ZZ as a value", "a=%ZZ"],
    ["NUL as a name", "%00=1"],
    ["NUL as a value", `${Object.keys(good)[0]}=a%00b`],
    ["an encoded surrogate", `${Object.keys(good)[0]}=%ED%A0%80`],
    ["repeated names", `${enc(good)}&${enc(good)}`],
    ["500 parameters", "a=1&".repeat(500)],
  ];
  return [["good", enc(good)], ...fields, ...raw];
}

// ---------------------------------------------------------------------------------------------
// Sending and judging

/**
 * The one 5xx that valid input may get: a request no model in the catalog can serve (an unknown
 * region, privacy_required without a local model), which api.md answers with 503 "no provider
 * could serve". The router's own codes, never an upstream or internal failure.
 */
const UNSERVABLE =
  /^\{"error":\{"message":"(No model can serve this request|No local model is available and privacy_required forbids cloud providers)[^"]*","type":"[a-z_]+","code":"(no_provider_available|privacy_no_local_model)"/;

type Probe = {
  label: string;
  who: Who;
  method: HttpMethod;
  path: string;
  body?: string;
  headers?: Record<string, string>;
};

function keyOf(who: Who): string | null {
  return who === "admin" ? f.adminKey : who === "user" ? f.userKey : null;
}

/** What is wrong with the answer, or null. */
function judge(p: Probe, status: number, type: string, text: string): string | null {
  if (status >= 500 && !(status === 503 && p.path.startsWith("/api/v1/") && UNSERVABLE.test(text)))
    return `${status}: ${text.slice(0, 300)}`;
  if (status < 400) return null;
  // next-auth answers some requests itself, in its own words (e.g. an action it does not know):
  // those are its 4xx, not ours, and only the absence of a 5xx is asserted for them.
  if (p.path.startsWith("/api/auth/") && !type.includes("json")) return null;
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    return `${status} without a JSON body: ${text.slice(0, 120)}`;
  }
  const error = body?.error as Record<string, unknown> | undefined;
  if (errorShapeOf(p.path) === "anthropic") {
    const anthropic = body?.type === "error" && typeof error?.type === "string" && typeof error.message === "string";
    return anthropic ? null : `${status} not in Anthropic's error shape: ${text.slice(0, 200)}`;
  }
  const shaped =
    error &&
    typeof error.message === "string" &&
    typeof error.code === "string" &&
    "param" in error &&
    (error.param === null || typeof error.param === "string");
  if (!shaped) return `${status} not in the error shape: ${text.slice(0, 200)}`;
  if (p.path.startsWith("/api/v1/") && typeof error!.type !== "string")
    return `${status} not in OpenAI's error shape: ${text.slice(0, 200)}`;
  return null;
}

async function send(p: Probe): Promise<string | null> {
  const key = keyOf(p.who);
  const headers: Record<string, string> = {
    ...(key ? { authorization: `Bearer ${key}` } : {}),
    ...(p.body !== undefined ? { "content-type": "application/json" } : {}),
    ...p.headers,
  };
  try {
    const res = await fetch(`${f.app.url}${p.path}`, { method: p.method, headers, body: p.body, redirect: "manual" });
    const text = await res.text();
    const problem = judge(p, res.status, res.headers.get("content-type") ?? "", text);
    return problem && `${p.who} ${p.method} ${p.path.slice(0, 120)} with ${p.label}: ${problem}`;
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : "";
    return `${p.who} ${p.method} ${p.path.slice(0, 120)} with ${p.label}: request failed: ${err instanceof Error ? err.message : err}${cause}`;
  }
}

/** A few at a time: enough to overlap work, few enough not to trip over the database. */
async function sendAll(probes: Probe[], concurrency = 4): Promise<string[]> {
  const problems: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < probes.length) {
        const problem = await send(probes[next++]!);
        if (problem) problems.push(problem);
      }
    }),
  );
  return problems;
}

function fillPath(route: ApiRoute, values: Record<string, string>): string {
  return fillTemplate(route.template, (name) => values[name]!);
}

let eventSeq = 0;

/** Stripe's signature for the webhook, and fresh event and session ids so no body is a replay. */
function prepare(route: ApiRoute, body: string, mutated: string): { body: string; headers?: Record<string, string> } {
  if (route.template !== "/api/stripe/webhook") return { body };
  let payload = body;
  try {
    const event = JSON.parse(body);
    const n = ++eventSeq;
    if (event && typeof event === "object" && !mutated.startsWith("id ")) event.id = `evt_fuzz_${n}`;
    const object = event?.data?.object;
    if (
      object &&
      typeof object === "object" &&
      object.object === "checkout.session" &&
      !mutated.startsWith("data.object.id ")
    )
      object.id = `cs_fuzz_${n}`;
    payload = JSON.stringify(event);
  } catch {
    // not JSON: signed as it is
  }
  const secret = process.env.STRIPE_WEBHOOK_SECRET!;
  return { body: payload, headers: { "stripe-signature": signer.generateTestHeaderString({ payload, secret }) } };
}

/** Who fuzzes a route fully. Callers the route refuses outright (401/403 before anything is read) get a sample. */
function fullCallers(route: ApiRoute, method: HttpMethod): Who[] {
  const who: Who[] = ["admin"];
  if (expectedArea(route.template) === "user") who.push("user");
  if (isPublic(route.template, method)) who.push("anonymous");
  return who;
}

async function probesFor(
  route: ApiRoute,
  method: HttpMethod,
  missing: string[],
): Promise<{ probes: Probe[]; last: Probe[] }> {
  const probes: Probe[] = [];
  const last: Probe[] = [];
  const good = route.params.length ? validIds(route, method) : {};
  if (!good) {
    missing.push(`${method} ${route.template}: no valid path params in validIds()`);
    return { probes, last };
  }
  const path = fillPath(route, good);
  const takesBody = method === "POST" || method === "PUT" || method === "PATCH";
  const bodies = takesBody ? plausible(`${method} ${route.template}`) : [];
  if (!bodies) {
    missing.push(`${method} ${route.template}: no plausible body in PLAUSIBLE`);
    return { probes, last };
  }
  const distinct = new Set<string>();
  const variants: [string, string | undefined][] = takesBody
    ? bodies
        .flatMap((b): [string, string][] => [["a plausible body", JSON.stringify(b)], ...bodyVariants(b)])
        .filter(([, text]) => !distinct.has(text) && !!distinct.add(text))
    : [["no body", undefined]];
  const variedFields = new Set<string>();
  const fields = (bodies ?? [])
    .flatMap((b) => fieldVariants(b, variedFields))
    .map(([l, v]): [string, string] => [l, JSON.stringify(v)]);
  const queries = method === "GET" ? queryVariants(route.template) : [["no query", ""] as [string, string]];
  const full = fullCallers(route, method);
  const sample = (["admin", "user", "anonymous"] as Who[]).filter((w) => !full.includes(w));
  const add = (list: Probe[], who: Who, label: string, p: string, body: string | undefined) => {
    if (body === undefined) return list.push({ label, who, method, path: p });
    const prepared = prepare(route, body, label);
    list.push({ label, who, method, path: p, ...prepared });
    // The webhook's signature check must refuse an unsigned body with a 400 as well.
    if (prepared.headers && !label.includes(" = ") && !label.includes(" missing"))
      list.push({ label: `${label}, unsigned`, who, method, path: p, body });
  };
  const target = method === "DELETE" ? last : probes;
  for (const who of full) {
    for (const [label, body] of variants) add(target, who, label, path, body);
    for (const [label, q] of queries) add(target, who, `query ${label}`, q ? `${path}?${q}` : path, undefined);
  }
  // The field matrix is dealt out among the callers that pass the door (they share every line of
  // the handler after it), which keeps the whole run well under a minute.
  fields.forEach(([label, body], i) => add(target, full[i % full.length]!, label, path, body));
  for (const who of sample)
    for (const [label, body] of variants) add(target, who, `${label} (refused caller)`, path, body);
  // Bad path ids, with the plausible body where there is one. After everything else: a valid
  // DELETE may remove the resource the other probes need.
  for (const name of route.params.map((p) => p.name)) {
    for (const [label, bad] of BAD_IDS) {
      for (const who of [...full, ...sample])
        last.push({
          label: `${name} ${label}`,
          who,
          method,
          path: fillPath(route, { ...good, [name]: bad }),
          body: variants[0]![1],
        });
    }
  }
  return { probes, last };
}

beforeAll(async () => {
  process.env.SWITCHYARD_RATE_LIMIT_RPM = "1000000"; // read when the gateway module first loads
  f = await startGatewayFixture();
  stripe = await startStripeForApp(f.app.url);
  userId = f.user.id;

  await f.addProvider("fz", { priority: 90 });
  // "json": the plausible bodies send response_format, which a model without it refuses (400) before the upstream.
  await f.addModel("fz", "fz-model", { level: "BALANCED", capabilities: ["chat", "tools", "json"] });
  await f.addModel("fz", "fz-eco", { level: "ECO", input: 0, output: 0 });
  await f.addModel("fz", "fz-embed", { level: "ECO", input: 0.02, output: 0, capabilities: ["embeddings"] });
  await f.addProvider("fz-byok", { priority: 10, withKey: false });
  const target = await f.addProvider("fz-target", { priority: 5 });
  const model = await f.addModel("fz-target", "fz-target-model", { level: "PRECISION" });
  await f.grant(f.user.id, 100);
  await f.grant(f.admin.id, 100);

  const rule = await f.asAdmin("/api/admin/routing-rules", {
    body: { name: "fuzz target", active: false, actions: { exclude_providers: ["nobody"] } },
  });
  const targetUser = await createUser(f.db, {
    email: `fuzz-target-${randomUUID().slice(0, 8)}@test.example`,
    password: "target-password",
  });
  const spareKey = await createApiKey(f.db, f.user.id, { name: "spare" });
  const conversation = await f.asUser("/api/conversations", { body: { title: "target" } });
  const byok = await f.asUser("/api/byok", { body: { provider: "fz-byok", api_key: "upstream-secret" } });
  const chat = await f.asUser("/api/v1/chat/completions", {
    body: { model: "auto", messages: [{ role: "user", content: "hello" }] },
  });
  for (const [what, res] of Object.entries({ rule, conversation, byok, chat }))
    if (res.status >= 300) throw new Error(`setup ${what}: ${res.status} ${res.text}`);

  Object.assign(ids, {
    "/api/admin/health/[id]": { id: target.id },
    "/api/admin/models/[id]": { id: model.id },
    "/api/admin/providers/[id]": { id: target.id },
    "/api/admin/routing-rules/[id]": { id: rule.json.id },
    "/api/admin/users/[id]": { id: targetUser.id },
    "/api/admin/users/[id]/credits": { id: targetUser.id },
    "/api/admin/requests/[id]": { id: chat.headers.get("x-request-id")! },
    "/api/byok/[id]": { id: byok.json.id },
    "/api/conversations/[id]": { id: conversation.json.id },
    "/api/conversations/[id]/messages": { id: conversation.json.id },
    "/api/credits/purchases/[sessionId]": { sessionId: "cs_fuzz_1" },
    "/api/keys/[id]": { id: spareKey.id },
    "/api/usage/requests/[id]": { id: chat.headers.get("x-request-id")! },
  });
});

afterAll(async () => {
  delete process.env.SWITCHYARD_RATE_LIMIT_RPM;
  await stopStripeForApp(stripe);
  await f?.close();
});

describe("fuzzing every API route", () => {
  // The gateway first: the admin routes' fuzz later disables and re-points providers, which would
  // leave chat requests without a working upstream (a fair 502, but not what is tested here).
  const routes = [...apiRoutes()].sort(
    (a, b) => Number(!a.template.startsWith("/api/v1/")) - Number(!b.template.startsWith("/api/v1/")),
  );

  it("finds the routes in the app/api tree", () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.map((r) => r.template)).toEqual(
      expect.arrayContaining(["/api/v1/chat/completions", "/api/keys/[id]", NEXTAUTH]),
    );
  });

  for (const route of routes) {
    it(`${route.template} answers bad input with a 4xx in the error shape, never a 5xx`, async () => {
      const methods = await routeMethods(route);
      expect(methods.length, `${route.file} exports no HTTP method`).toBeGreaterThan(0);
      const missing: string[] = [];
      const all = await Promise.all(methods.map((m) => probesFor(route, m, missing)));
      expect(missing).toEqual([]);
      const problems = [
        ...(await sendAll(all.flatMap((a) => a.probes))),
        ...(await sendAll(all.flatMap((a) => a.last))),
      ];
      expect(problems).toEqual([]);
    });
  }

  // handler() itself refuses NUL in path params (proxy.ts does too, but not every caller passes
  // through it): called directly, as Next would call it after decoding `%00`.
  it("route handlers answer a path param holding NUL with a JSON 404", async () => {
    const problems: string[] = [];
    for (const route of routes.filter((r) => r.params.length && r.template !== NEXTAUTH)) {
      const mod = await routeModule(route);
      for (const method of await routeMethods(route)) {
        const params = Object.fromEntries(route.params.map((p) => [p.name, "a\u0000b"]));
        const req = new Request(`${f.app.url}${fillPath(route, { ...ids[route.template] })}`, {
          method,
          headers: { authorization: `Bearer ${f.adminKey}` },
        });
        const res = await mod[method]!(req, { params: Promise.resolve(params) });
        if (res.status !== 404 || (await res.json()).error?.code !== "not_found")
          problems.push(`${method} ${route.template}: ${res.status}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
