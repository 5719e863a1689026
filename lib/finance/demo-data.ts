import { randomBytes } from "node:crypto";
import type pg from "pg";
import { sqlTargetOf, type Db } from "../db/client.ts";
import { hashPassword } from "../auth/password.ts";
import { decideRoute } from "../router/decide.ts";
import { POWER_LEVELS, TASK_TYPES, type RouterModel } from "../router/types.ts";
import { rebuildRollups } from "./rollup.ts";
import { recountKeySpend } from "../ledger/ledger.ts";

/**
 * A realistic, consistent finance dataset (`npm run cli -- demo-data`): demo users with
 * heavy-tailed activity over the last N days, their gateway requests on every enabled model of
 * the current catalog, and their money exactly as the app records it — a CHARGE per charged
 * request (`charge:<request id>`, same amount and instant as the usage row), Stripe purchases and
 * refunds as the webhook writes them (with their stripe_events rows), admin grants — with every
 * balance_after the running sum and no balance ever below zero, so `ledger verify` passes.
 *
 * Set-based: the plan (who makes how many requests on which day, purchases scheduled ahead such
 * as grants and refunds) is worked out here, small; every request row and ledger entry is made by
 * SQL, one UTC day per batch: deterministic pseudo-random values are bytes of md5(seed, request
 * number), so a seed always gives the same data. Purchases are placed in SQL too, a little before
 * the charge that would otherwise overdraw the account (running sums in window functions over
 * the day's events, carrying each account's balance from day to day). One transaction: a failed
 * run leaves nothing behind.
 */

export type DemoDataOptions = {
  requests: number;
  users: number;
  /** Days back from today (today, partly elapsed, included). Default 90. */
  days?: number;
  seed?: number;
  /** Delete earlier demo data first (otherwise its presence is an error). */
  reset?: boolean;
  /** The end of the generated history; default now. */
  now?: Date;
  log?: (line: string) => void;
};

export type DemoDataResult = {
  users: number;
  apiKeys: number;
  requests: number;
  chargedRequests: number;
  ledgerEntries: number;
  purchases: number;
  refunds: number;
  grants: number;
  stripeEvents: number;
  chargedMicros: number;
  purchasedMicros: number;
  deleted: DeletedDemoData | null;
  seconds: number;
};

export type DeletedDemoData = { users: number; usageRows: number; ledgerEntries: number; stripeEvents: number };

export const DEMO_EMAIL_PATTERN = "demo-%@example.test";

export class DemoDataExistsError extends Error {}

const DAY_MS = 86_400_000;
const SLOTS = 1000;
const QUANTILES = 10_000;
// Stripe's checkout amounts the Credits page allows (lib/stripe/schemas.ts: $5 to $1000).
const PACKS_USD = [5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];

// Per task type (TASK_TYPES order): share of requests, ln-median prompt and completion tokens.
const TASKS = TASK_TYPES.map((t) => t as string);
const TASK_SHARE: Record<string, number> = {
  chat: 0.38,
  code: 0.24,
  rag: 0.12,
  creative: 0.08,
  reasoning: 0.08,
  analysis: 0.1,
};
const PROMPT_MEDIAN: Record<string, number> = {
  chat: 600,
  code: 2500,
  rag: 6000,
  creative: 400,
  reasoning: 1200,
  analysis: 4000,
};
const COMPLETION_MEDIAN: Record<string, number> = {
  chat: 250,
  code: 600,
  rag: 300,
  creative: 700,
  reasoning: 900,
  analysis: 500,
};
const PROMPT_SIGMA = 1.0;
const COMPLETION_SIGMA = 0.8;
const ERROR_RATE = 0.012;
const CANCEL_RATE = 0.008;
const FALLBACK_RATE = 0.025;

// Share of a provider's requests that read the prompt cache, and (providers that bill writes) write it.
const CACHE_READ_SHARE: Record<string, number> = {
  anthropic: 0.35,
  openai: 0.3,
  deepseek: 0.4,
  google: 0.25,
  openrouter: 0.15,
  mistral: 0.06,
};
const CACHE_WRITE_SHARE: Record<string, number> = { anthropic: 0.08 };

// UTC hour weights: Europe's day, then America's, a quiet night.
const HOUR_WEIGHT = [
  0.35, 0.3, 0.25, 0.22, 0.22, 0.25, 0.35, 0.55, 0.8, 0.95, 1, 1, 0.95, 1, 1.1, 1.2, 1.2, 1.1, 0.95, 0.8, 0.7, 0.6, 0.5,
  0.42,
];

const GRANT_REASONS = [
  "support goodwill credit",
  "service outage compensation",
  "beta tester credit",
  "billing error correction",
  "conference promo",
];

// ---------------------------------------------------------------------------------------------
// Deterministic pseudo-random numbers for the plan (the per-request ones are md5 bytes in SQL).

function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform in [0, 1) from the seed and any integers. */
function rand(seed: number, ...keys: number[]): number {
  let h = mix32(seed ^ 0x9e3779b9);
  for (const k of keys) h = mix32(h ^ mix32((k | 0) + 0x632be5ab) ^ Math.floor(k / 4294967296));
  return h / 4294967296;
}

function hex(seed: number, length: number, ...keys: number[]): string {
  let out = "";
  for (let i = 0; out.length < length; i++)
    out += Math.floor(rand(seed, ...keys, 7777 + i) * 4294967296)
      .toString(16)
      .padStart(8, "0");
  return out.slice(0, length);
}

function uuidFrom(seed: number, ...keys: number[]): string {
  const h = hex(seed, 32, ...keys);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[parseInt(h[16]!, 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function normal(seed: number, ...keys: number[]): number {
  const u1 = rand(seed, ...keys, 1) || 1e-12;
  const u2 = rand(seed, ...keys, 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

const ms = (d: Date) => d.getTime();
const pgTs = (t: number) => new Date(t).toISOString().replace("T", " ").replace("Z", "");

// ---------------------------------------------------------------------------------------------

type CatalogRow = {
  model_id: string;
  provider_id: string;
  slug: string;
  provider_name: string;
  kind: string;
  requires_key: boolean;
  is_local: boolean;
  priority: number;
  region: string;
  upstream_id: string;
  name: string;
  level: string;
  in_p: string;
  out_p: string;
  cr_p: string | null;
  cw_p: string | null;
  latency_ms: number;
  quality: number;
  context_tokens: number;
  capabilities: string[];
};

type Model = {
  mi: number;
  row: CatalogRow;
  pi: number;
  lvl: number;
  inP: number;
  outP: number;
  weight: number;
  reasoning: boolean;
  completionMult: number;
  maxPrompt: number;
  maxCompletion: number;
};

const REASONING_NAME = /\b(o1|r1|thinking)\b/i;

async function loadCatalog(c: pg.PoolClient, seed: number): Promise<{ models: Model[]; providers: CatalogRow[] }> {
  const rows = (
    await c.query<CatalogRow>(`
    SELECT m.id AS model_id, p.id AS provider_id, p.slug, p.name AS provider_name, p.kind::text AS kind, p.requires_key, p.is_local,
           p.priority, p.region, m.upstream_id, m.name, m.power_level::text AS level,
           m.input_price_per_1m_micros::text AS in_p, m.output_price_per_1m_micros::text AS out_p,
           m.cache_read_price_per_1m_micros::text AS cr_p, m.cache_write_price_per_1m_micros::text AS cw_p,
           m.latency_ms, m.quality, m.context_tokens, m.capabilities
    FROM models m JOIN providers p ON p.id = m.provider_id
    -- Demo traffic is chat: an embeddings model never serves a chat completion.
    WHERE m.enabled AND p.enabled AND NOT ('embeddings' = ANY (m.capabilities)) ORDER BY p.slug, m.name`)
  ).rows;
  if (!rows.length) throw new Error("the catalog has no enabled model: nothing to generate requests for");
  const slugs = [...new Set(rows.map((r) => r.slug))];
  const models = rows.map((row, mi): Model => {
    const reasoning = REASONING_NAME.test(row.name);
    // Popularity: a stable random factor per model; simulated and local models see little traffic.
    let weight = 0.4 + rand(seed, 11, ...[...row.name].map((ch) => ch.charCodeAt(0)).slice(0, 24)) * 1.2;
    if (row.kind === "simulated") weight *= 0.08;
    else if (row.is_local) weight *= 0.5;
    return {
      mi,
      row,
      pi: slugs.indexOf(row.slug),
      lvl: POWER_LEVELS.indexOf(row.level as (typeof POWER_LEVELS)[number]),
      inP: Number(row.in_p),
      outP: Number(row.out_p),
      weight,
      reasoning,
      completionMult: reasoning ? 2.5 : 1,
      maxPrompt: Math.max(64, Math.min(120_000, Math.floor(row.context_tokens * 0.75))),
      maxCompletion: Math.max(16, Math.min(reasoning ? 32_768 : 8192, Math.floor(row.context_tokens * 0.2))),
    };
  });
  const providers = slugs.map((s) => rows.find((r) => r.slug === s)!);
  return { models, providers };
}

/** `count` slots filled with indexes in proportion to `weights`, every index at least once. */
function slotsFor(indexes: number[], weights: number[], count = SLOTS): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const share = weights.map((w) => Math.max(1, Math.round((w / total) * count)));
  while (share.reduce((a, b) => a + b, 0) > count) share[share.indexOf(Math.max(...share))]!--;
  while (share.reduce((a, b) => a + b, 0) < count) share[share.indexOf(Math.max(...share))]!++;
  return indexes.flatMap((ix, i) => Array<number>(share[i]!).fill(ix));
}

/**
 * The model PRECISION would pick for each task type (what the gateway prices precision_cost_micros
 * at), by the router itself, as if the platform had a key for every provider. Free models are left
 * out: a $0 reference (the seed catalog's free "thinking" model wins several task types) would
 * make every savings figure negative, which says nothing about the data.
 */
function precisionModels(all: Model[]): Model[] {
  const paid = all.filter((m) => m.inP + m.outP > 0);
  const models = paid.length ? paid : all;
  const routerModels: RouterModel[] = models.map((m) => ({
    id: m.row.model_id,
    upstreamId: m.row.upstream_id,
    name: m.row.name,
    powerLevel: m.row.level as RouterModel["powerLevel"],
    inputPricePer1M: m.inP,
    outputPricePer1M: m.outP,
    cacheReadPricePer1M: m.row.cr_p === null ? null : Number(m.row.cr_p),
    cacheWritePricePer1M: m.row.cw_p === null ? null : Number(m.row.cw_p),
    latencyMs: m.row.latency_ms,
    quality: m.row.quality,
    contextTokens: m.row.context_tokens,
    capabilities: m.row.capabilities,
    enabled: true,
    provider: {
      id: m.row.provider_id,
      slug: m.row.slug,
      name: m.row.provider_name,
      enabled: true,
      priority: m.row.priority,
      isLocal: m.row.is_local,
      region: m.row.region,
      requiresKey: m.row.requires_key,
      hasPlatformKey: true,
    },
  }));
  const fallback = [...models].sort((a, b) => b.lvl - a.lvl || b.row.quality - a.row.quality || a.inP - b.inP)[0]!;
  return TASKS.map((taskType) => {
    try {
      const d = decideRoute({
        request: { model: "precision", taskType: taskType as (typeof TASK_TYPES)[number] },
        promptTokens: 1000,
        maxOutputTokens: 1024,
        catalog: routerModels,
        caller: { role: "USER", byokProviderIds: [], availableCreditsMicros: Number.MAX_SAFE_INTEGER },
        maxFallbacks: 0,
      });
      return (d.ok && models.find((m) => m.row.model_id === d.primary.modelId)) || fallback;
    } catch {
      return fallback;
    }
  });
}

// ---------------------------------------------------------------------------------------------

type Day = { start: number; len: number; weight: number; weekend: boolean; jmax: number };

function minuteQuantiles(): { minutes: number[]; cdf: (minuteOfDay: number) => number } {
  const w = Array.from({ length: 1440 }, (_, m) => {
    // Linear between hour centres, so the curve has no steps.
    const h = m / 60 - 0.5;
    const a = HOUR_WEIGHT[((Math.floor(h) % 24) + 24) % 24]!;
    const b = HOUR_WEIGHT[(Math.floor(h) + 1 + 24) % 24]!;
    return a + (b - a) * (h - Math.floor(h));
  });
  const total = w.reduce((a, b) => a + b, 0);
  const cum: number[] = [];
  w.reduce((acc, x, i) => (cum[i] = acc + x / total), 0);
  const minutes: number[] = [];
  let m = 0;
  for (let j = 0; j < QUANTILES; j++) {
    const q = (j + 0.5) / QUANTILES;
    while (cum[m]! < q && m < 1439) m++;
    minutes.push(m);
  }
  const cdf = (x: number) =>
    x <= 0 ? 0 : x >= 1440 ? 1 : (cum[Math.floor(x) - 1] ?? 0) + (w[Math.floor(x)]! / total) * (x - Math.floor(x));
  return { minutes, cdf };
}

type Plan = {
  days: Day[];
  /** Requests per (day, user): counts[d * users + n]. */
  counts: Int32Array;
  perUser: Float64Array;
  join: Int32Array;
  end: Int32Array;
};

function planRequests(
  o: { requests: number; users: number; days: number; seed: number; now: number },
  cdf: (m: number) => number,
): Plan {
  const { users: U, days: D, seed } = o;
  const todayStart = Math.floor(o.now / DAY_MS) * DAY_MS;
  const days: Day[] = [];
  for (let d = 0; d < D; d++) {
    const start = todayStart - (D - 1 - d) * DAY_MS;
    const last = d === D - 1;
    const len = last ? Math.max(1, o.now - start) : DAY_MS;
    const dow = new Date(start).getUTCDay();
    const weekend = dow === 0 || dow === 6;
    const fraction = last ? cdf(len / 60_000) : 1;
    const weight =
      (weekend ? 0.6 : 1) * (1 + (0.6 * d) / Math.max(1, D - 1)) * Math.exp(0.08 * normal(seed, 21, d)) * fraction;
    days.push({ start, len, weight, weekend, jmax: last ? Math.max(1, Math.floor(QUANTILES * fraction)) : QUANTILES });
  }
  const lambda = new Float64Array(U);
  const weekendFactor = new Float64Array(U);
  const join = new Int32Array(U);
  const end = new Int32Array(U);
  for (let n = 0; n < U; n++) {
    // Pareto (alpha 1.16, the 80/20 law), capped: a few heavy users, many light ones.
    lambda[n] = Math.min(3000, Math.pow(1 - rand(seed, 1, n), -1 / 1.16));
    weekendFactor[n] = rand(seed, 2, n) < 0.6 ? 0.25 : 1.1;
    join[n] = rand(seed, 3, n) < 0.4 ? -1 : Math.floor(rand(seed, 4, n) * D);
    end[n] = rand(seed, 5, n) < 0.12 ? Math.max(join[n]!, 0) + Math.floor(rand(seed, 6, n) * D) : D;
  }
  const expected = new Float64Array(U * D);
  let total = 0;
  for (let d = 0; d < D; d++) {
    const day = days[d]!;
    for (let n = 0; n < U; n++) {
      if (d < join[n]! || d > end[n]!) continue;
      // Bursty: idle days, and busy days an exponential multiple of the user's rate.
      const r = rand(seed, 7, n, d);
      const burst = r < 0.3 ? 0 : -Math.log(rand(seed, 8, n, d) || 1e-12);
      const e = lambda[n]! * day.weight * (day.weekend ? weekendFactor[n]! : 1) * burst;
      expected[d * U + n] = e;
      total += e;
    }
  }
  // Whole counts that add up to exactly `requests`: differences of the rounded running sum.
  const counts = new Int32Array(U * D);
  const perUser = new Float64Array(U);
  const scale = total > 0 ? o.requests / total : 0;
  let cum = 0;
  let prev = 0;
  let sum = 0;
  for (let i = 0; i < U * D; i++) {
    cum += expected[i]! * scale;
    const r = Math.round(cum);
    counts[i] = r - prev;
    prev = r;
    sum += counts[i]!;
  }
  if (sum !== o.requests) {
    // Rounding drift (or nobody active at all): put the difference on the busiest cell.
    let best = 0;
    for (let i = 1; i < U * D; i++) if (counts[i]! > counts[best]!) best = i;
    counts[best]! += o.requests - sum;
  }
  for (let i = 0; i < U * D; i++) perUser[i % U]! += counts[i]!;
  return { days, counts, perUser, join, end };
}

// ---------------------------------------------------------------------------------------------

type Users = {
  ids: string[];
  accounts: string[];
  keys: string[];
  pEco: number[];
  pBal: number[];
  byokPi: number[];
  byokShare: number[];
  pack: number[];
};

/** Average provider cost per request at each level, by sampling the same distributions the SQL draws from. */
function averageCostPerLevel(models: Model[], levelSlots: number[][], seed: number): number[] {
  return levelSlots.map((slots, lvl) => {
    let sum = 0;
    const samples = 4000;
    for (let i = 0; i < samples; i++) {
      const m = models[slots[Math.floor(rand(seed, 31, lvl, i) * slots.length)]!]!;
      const t = rand(seed, 32, lvl, i);
      let acc = 0;
      const task = TASKS.find((name) => (acc += TASK_SHARE[name]!) > t) ?? "chat";
      const prompt = Math.min(
        m.maxPrompt,
        Math.max(8, Math.round(Math.exp(Math.log(PROMPT_MEDIAN[task]!) + PROMPT_SIGMA * normal(seed, 33, lvl, i)))),
      );
      const completion = Math.min(
        m.maxCompletion,
        Math.max(
          1,
          Math.round(
            Math.exp(Math.log(COMPLETION_MEDIAN[task]!) + COMPLETION_SIGMA * normal(seed, 34, lvl, i)) *
              m.completionMult,
          ),
        ),
      );
      sum += (prompt * m.inP + completion * m.outP) / 1e12;
    }
    return sum / samples;
  });
}

function planUsers(seed: number, plan: Plan, models: Model[], providers: CatalogRow[], levelSlots: number[][]): Users {
  const U = plan.perUser.length;
  const byokProviders = providers
    .map((p, pi) => ({ p, pi }))
    .filter(({ p, pi }) => p.requires_key && models.some((m) => m.pi === pi && m.inP + m.outP > 0));
  const avg = averageCostPerLevel(models, levelSlots, seed);
  // Level mixes: savers, the balanced majority, quality seekers, and those who use everything.
  const archetypes = [
    [0.7, 0.25],
    [0.2, 0.6],
    [0.05, 0.35],
    [0.34, 0.33],
  ];
  const u: Users = { ids: [], accounts: [], keys: [], pEco: [], pBal: [], byokPi: [], byokShare: [], pack: [] };
  for (let n = 0; n < U; n++) {
    u.ids.push(uuidFrom(seed, 101, n));
    u.accounts.push(uuidFrom(seed, 102, n));
    u.keys.push(uuidFrom(seed, 103, n));
    const a = archetypes[Math.min(3, Math.floor(rand(seed, 104, n) * 4))]!;
    const jitter = 0.75 + 0.5 * rand(seed, 105, n);
    const eco = Math.min(0.95, a[0]! * jitter);
    const bal = Math.min(1 - eco, a[1]! * (0.75 + 0.5 * rand(seed, 106, n)));
    u.pEco.push(eco);
    u.pBal.push(bal);
    const byok = byokProviders.length > 0 && rand(seed, 107, n) < 0.1;
    u.byokPi.push(byok ? byokProviders[Math.floor(rand(seed, 108, n) * byokProviders.length)]!.pi : -1);
    u.byokShare.push(byok ? 0.3 + 0.5 * rand(seed, 109, n) : 0);
    // Top-up size: the expected spend over a few purchases, rounded up to an amount people pick.
    const perRequest = eco * avg[0]! + bal * avg[1]! + (1 - eco - bal) * avg[2]!;
    const spendUsd = plan.perUser[n]! * perRequest * (1 - (byok ? u.byokShare[n]! * 0.5 : 0));
    // Light users buy the $5 minimum (some the $10 pack); heavier ones an amount that lasts a few top-ups.
    const usual = rand(seed, 111, n) < 0.25 ? 10 : 5;
    const purchases = 1 + Math.floor(9 * rand(seed, 110, n) ** 2);
    const target = (spendUsd * 1.15) / purchases;
    u.pack.push(Math.max(usual, PACKS_USD.find((p) => p >= target) ?? 1000) * 1_000_000);
  }
  return u;
}

type Scheduled = {
  d: number[];
  n: number[];
  ts: string[];
  seq: number[];
  type: string[];
  amount: number[];
  davail: number[];
  ref: string[];
  key: (string | null)[];
  actor: (string | null)[];
  evt: (string | null)[];
  evtType: (string | null)[];
  obj: (string | null)[];
  evtAmount: (number | null)[];
};

/**
 * Entries known ahead: welcome grants at sign-up, support grants, and purchases that are later
 * refunded (in full, in part, or in part and then the rest). A refunded amount is never spent
 * (`davail` keeps it out of what the day's top-ups count on), so a refund never overdraws.
 */
function planScheduled(
  o: { seed: number; requests: number; days: Day[]; now: number },
  plan: Plan,
  admin: { id: string; email: string } | null,
): Scheduled {
  const { seed, days } = o;
  const D = days.length;
  const U = plan.perUser.length;
  const s: Scheduled = {
    d: [],
    n: [],
    ts: [],
    seq: [],
    type: [],
    amount: [],
    davail: [],
    ref: [],
    key: [],
    actor: [],
    evt: [],
    evtType: [],
    obj: [],
    evtAmount: [],
  };
  let seq = o.requests + 1;
  const at = (d: number, ...keys: number[]) => {
    const day = days[d]!;
    return day.start + Math.floor(rand(seed, ...keys) * day.len);
  };
  const grantBy = admin ? `grant by ${admin.email}` : "grant by admin";
  const push = (e: {
    d: number;
    n: number;
    t: number;
    type: string;
    amount: number;
    davail: number;
    ref: string;
    key?: string | null;
    actor?: string | null;
    evt?: string;
    evtType?: string;
    obj?: string;
    evtAmount?: number;
  }) => {
    s.d.push(e.d);
    s.n.push(e.n);
    s.ts.push(pgTs(e.t));
    s.seq.push(seq++);
    s.type.push(e.type);
    s.amount.push(e.amount);
    s.davail.push(e.davail);
    s.ref.push(e.ref);
    s.key.push(e.key ?? null);
    s.actor.push(e.actor ?? null);
    s.evt.push(e.evt ?? null);
    s.evtType.push(e.evtType ?? null);
    s.obj.push(e.obj ?? null);
    s.evtAmount.push(e.evtAmount ?? null);
  };
  for (let n = 0; n < U; n++) {
    const first = Math.max(0, plan.join[n]!);
    const last = Math.min(D - 1, plan.end[n]!);
    if (plan.join[n]! >= 0 && rand(seed, 201, n) < 0.4) {
      push({
        d: first,
        n,
        t: at(first, 202, n),
        type: "GRANT",
        amount: 5_000_000,
        davail: 5_000_000,
        ref: `${grantBy}: welcome credit`,
        actor: admin?.id ?? null,
      });
    }
    if (rand(seed, 203, n) < 0.015) {
      const d = first + Math.floor(rand(seed, 204, n) * (last - first + 1));
      const amount = [5, 10, 20, 50][Math.floor(rand(seed, 205, n) * 4)]! * 1_000_000;
      push({
        d,
        n,
        t: at(d, 206, n),
        type: "GRANT",
        amount,
        davail: amount,
        ref: `${grantBy}: ${GRANT_REASONS[Math.floor(rand(seed, 207, n) * GRANT_REASONS.length)]}`,
        actor: admin?.id ?? null,
      });
    }
    if (plan.perUser[n]! > 0 && rand(seed, 208, n) < 0.02) {
      const d = first + Math.floor(rand(seed, 209, n) * (last - first + 1));
      const cents = [1000, 2500, 5000, 10000][Math.floor(rand(seed, 210, n) * 4)]!;
      const kind = rand(seed, 211, n);
      // Cumulative refunded cents after each refund, as Stripe's charge.amount_refunded says it.
      const refunds =
        kind < 0.45
          ? [cents]
          : kind < 0.8
            ? [Math.round(cents * (0.2 + 0.6 * rand(seed, 212, n)))]
            : [Math.round(cents / 2), cents];
      const tp = at(d, 213, n);
      const ids = {
        cs: `cs_demo_${hex(seed, 24, 214, n)}`,
        pi: `pi_demo_${hex(seed, 24, 215, n)}`,
        ch: `ch_demo_${hex(seed, 24, 216, n)}`,
      };
      // Only refunds that happen before now are recorded; the rest of the refund stays locked in davail.
      const times: number[] = [];
      let t = tp;
      for (let i = 0; i < refunds.length; i++) {
        t = t + Math.floor((0.2 + rand(seed, 217, n, i) * 4) * DAY_MS);
        times.push(t);
      }
      const locked = refunds[refunds.length - 1]! * 10_000;
      push({
        d,
        n,
        t: tp,
        type: "PURCHASE",
        amount: cents * 10_000,
        davail: cents * 10_000 - locked,
        ref: `Stripe checkout ${ids.cs} (payment ${ids.pi})`,
        key: `stripe-session:${ids.cs}`,
        evt: `evt_demo_${hex(seed, 24, 218, n)}`,
        evtType: "checkout.session.completed",
        obj: ids.cs,
        evtAmount: cents * 10_000,
      });
      let before = 0;
      refunds.forEach((cumulative, i) => {
        const when = times[i]!;
        if (when >= o.now) return;
        const rd = Math.floor((when - days[0]!.start) / DAY_MS);
        if (rd >= D) return;
        push({
          d: rd,
          n,
          t: when,
          type: "REFUND",
          amount: -(cumulative - before) * 10_000,
          davail: 0,
          ref: `Stripe refund ${ids.ch}`,
          key: `stripe-refund:${ids.ch}:${cumulative}`,
          evt: `evt_demo_${hex(seed, 24, 219, n, i)}`,
          evtType: "charge.refunded",
          obj: ids.ch,
          evtAmount: cumulative * 10_000,
        });
        before = cumulative;
      });
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// SQL

/** A uniform in (0, 1) from bytes 2i and 2i+1 of a bytea. */
const U16 = (b: string, i: number) =>
  `((get_byte(${b}, ${2 * i}) * 256 + get_byte(${b}, ${2 * i + 1}))::float8 + 0.5) / 65536`;
/** A uniform in (0, 1) from byte i. */
const U8 = (b: string, i: number) => `(get_byte(${b}, ${i})::float8 + 0.5) / 256`;
const arr = (xs: number[]) => `'{${xs.join(",")}}'::float8[]`;

const CLASSES = [0, 1, 2, 3];
/**
 * lib/router/cost.ts invoiceCost in SQL: the total is one ceiling of the exact sum; each class
 * part is its exact cost rounded down, plus one micro-dollar for the classes with the largest
 * fractions (ties in class order) until the parts reach the total.
 */
const rankOf = (i: number) =>
  CLASSES.filter((j) => j !== i)
    .map((j) => `(r${j} > r${i}${j < i ? ` OR r${j} = r${i}` : ""})::int`)
    .join(" + ");
const partOf = (i: number) => `f${i} + ((${rankOf(i)}) < extra)::int`;

function requestSql(): string {
  const cumTask: number[] = [];
  TASKS.reduce((acc, t, i) => (cumTask[i] = acc + TASK_SHARE[t]!), 0);
  const taskCase = `CASE ${TASKS.slice(0, -1)
    .map((_, i) => `WHEN ${U16("b2", 0)} < ${cumTask[i]} THEN ${i}`)
    .join(" ")} ELSE ${TASKS.length - 1} END`;
  const taskNames = `'{${TASKS.join(",")}}'::text[]`;
  return `
INSERT INTO demo_req
SELECT k, n, id, user_id, api_key_id, provider_id_, model_id_, slug, name, level, task_type, prompt, completion, cr, cw, reasoning,
       cost AS charged, cost, in_cost, cr_cost, cw_cost, out_cost, precision_cost, latency_ms, ttft_ms, status, error_message,
       fallback_count, byok, stream, attempts, ts
FROM (
  SELECT s5.*,
         CASE WHEN byok THEN 0 ELSE f0 + f1 + f2 + f3 + extra END AS cost,
         CASE WHEN byok THEN 0 ELSE ${partOf(0)} END AS in_cost,
         CASE WHEN byok THEN 0 ELSE ${partOf(1)} END AS cr_cost,
         CASE WHEN byok THEN 0 ELSE ${partOf(2)} END AS cw_cost,
         CASE WHEN byok THEN 0 ELSE ${partOf(3)} END AS out_cost,
         $6::timestamp + off * interval '1 millisecond' AS ts,
         substr(th, 1, 8) || '-' || substr(th, 9, 4) || '-7' || substr(rh, 1, 3) || '-' || substr('89ab', get_byte(b3, 15) % 4 + 1, 1)
           || substr(rh, 4, 3) || '-' || substr(rh, 7, 12) AS id,
         CASE WHEN ${U8("b3", 3)} < 0.12 THEN NULL ELSE key_id END AS api_key_id,
         CASE WHEN status = 'error' THEN NULL ELSE provider_id END AS provider_id_,
         CASE WHEN status = 'error' THEN NULL ELSE model_id END AS model_id_,
         (${taskNames})[task + 1] AS task_type,
         CASE WHEN status = 'error' THEN NULL ELSE ttft END AS ttft_ms,
         CASE WHEN status = 'error' THEN ttft ELSE ttft + (completion * gen_ms)::int END + CASE WHEN fallback_count > 0 THEN fail_ms ELSE 0 END AS latency_ms,
         CASE WHEN status = 'error' THEN 'upstream error: ' || fail_status || ' from ' || slug || ' (and every fallback)'
              WHEN status = 'cancelled' THEN 'client disconnected' END AS error_message,
         -- Every attempt in the order made: an error tried the model and then a fallback; a
         -- fallback success failed on another model first.
         CASE WHEN status = 'error'
              THEN jsonb_build_array(jsonb_build_object('provider', slug, 'model', name, 'ok', false, 'status', fail_status, 'error', 'upstream returned ' || fail_status, 'latency_ms', ttft, 'ttft_ms', NULL),
                                     jsonb_build_object('provider', fslug, 'model', fname, 'ok', false, 'status', fail_status, 'error', 'upstream returned ' || fail_status, 'latency_ms', fail_ms, 'ttft_ms', NULL))
              WHEN fallback_count > 0
              THEN jsonb_build_array(jsonb_build_object('provider', fslug, 'model', fname, 'ok', false, 'status', fail_status, 'error', 'upstream returned ' || fail_status, 'latency_ms', fail_ms, 'ttft_ms', NULL),
                                     jsonb_build_object('provider', slug, 'model', name, 'ok', true, 'status', 200, 'error', NULL, 'latency_ms', ttft + (completion * gen_ms)::int, 'ttft_ms', ttft))
              ELSE jsonb_build_array(jsonb_build_object('provider', slug, 'model', name, 'ok', true, 'status', 200, 'error', NULL, 'latency_ms', ttft + (completion * gen_ms)::int, 'ttft_ms', ttft)) END AS attempts
  FROM (
    SELECT s4.*, p0 / 1000000 AS f0, p1 / 1000000 AS f1, p2 / 1000000 AS f2, p3 / 1000000 AS f3,
           p0 % 1000000 AS r0, p1 % 1000000 AS r1, p2 % 1000000 AS r2, p3 % 1000000 AS r3,
           ((p0 % 1000000) + (p1 % 1000000) + (p2 % 1000000) + (p3 % 1000000) + 999999) / 1000000 AS extra
    FROM (
      SELECT s3.*,
             (prompt - cr - cw)::int8 * in_p AS p0, cr::int8 * cr_p AS p1, cw::int8 * cw_p AS p2, completion::int8 * out_p AS p3,
             CASE WHEN prompt + completion = 0 THEN NULL ELSE (prompt::int8 * prec_in + completion::int8 * prec_out + 999999) / 1000000 END AS precision_cost,
             CASE WHEN reasoning_model THEN floor(completion * (0.4 + 0.4 * ${U16("b2", 5)}))::int ELSE 0 END AS reasoning
      FROM (
        SELECT s2.*, CASE WHEN prompt > 0 AND ${U16("b2", 3)} < cache_read_share THEN floor(prompt * (0.25 + 0.7 * ${U16("b2", 4)}))::int ELSE 0 END AS cr,
               CASE WHEN prompt > 0 AND ${U16("b2", 3)} >= 1 - cache_write_share THEN floor(prompt * (0.15 + 0.5 * ${U16("b2", 4)}))::int ELSE 0 END AS cw
        FROM (
          SELECT s1.*, m.model_id, m.provider_id, m.slug, m.name, m.level, m.in_p, m.out_p, m.cr_p, m.cw_p, m.reasoning AS reasoning_model,
                 m.cache_read_share, m.cache_write_share, fm.slug AS fslug, fm.name AS fname, pr.in_p AS prec_in, pr.out_p AS prec_out,
                 (m.pi = s1.byok_pi AND m.requires_key) AS byok,
                 CASE WHEN status = 'error' THEN 0
                      ELSE LEAST(m.max_prompt, GREATEST(8, round(exp((${arr(TASKS.map((t) => Math.log(PROMPT_MEDIAN[t]!)))})[task + 1] + ${PROMPT_SIGMA} * za))))::int END AS prompt,
                 CASE WHEN status = 'error' THEN 0
                      ELSE floor(LEAST(m.max_completion, GREATEST(1, round(exp((${arr(TASKS.map((t) => Math.log(COMPLETION_MEDIAN[t]!)))})[task + 1] + ${COMPLETION_SIGMA} * zb) * m.completion_mult)))
                                 * CASE WHEN status = 'cancelled' THEN ${U16("b2", 2)} ELSE 1 END)::int END AS completion,
                 GREATEST(40, round(m.latency_ms * exp(0.35 * zc)))::int AS ttft,
                 (4 + 30 * ${U8("b3", 2)}) * CASE WHEN m.reasoning THEN 0.5 ELSE 1 END AS gen_ms,
                 (ARRAY[429, 500, 502, 503, 504])[1 + get_byte(b3, 5) % 5] AS fail_status,
                 GREATEST(50, round(m.latency_ms * 2 * exp(0.5 * zd)))::int AS fail_ms
          FROM (
            SELECT g.k, g.n, g.b2, g.b3, u.user_id, u.key_id, u.byok_pi, mq.minute,
                   encode(g.b3, 'hex') AS rh,
                   lpad(to_hex($7::int8 + LEAST(mq.minute * 60000 + floor(${U16("b1", 3)} * 60000)::int, $8::int - 1)), 12, '0') AS th,
                   LEAST(mq.minute * 60000 + floor(${U16("b1", 3)} * 60000)::int, $8::int - 1) AS off,
                   CASE WHEN ${U16("b1", 0)} < u.p_eco THEN 0 WHEN ${U16("b1", 0)} < u.p_eco + u.p_bal THEN 1 ELSE 2 END AS lvl,
                   floor(${U16("b1", 1)} * ${SLOTS})::int AS slot,
                   (u.byok_pi >= 0 AND ${U8("b3", 0)} < u.byok_share) AS byok_path,
                   ${taskCase} AS task,
                   CASE WHEN ${U16("b2", 1)} < ${ERROR_RATE} THEN 'error' WHEN ${U16("b2", 1)} < ${ERROR_RATE + CANCEL_RATE} THEN 'cancelled' ELSE 'success' END AS status,
                   CASE WHEN ${U16("b2", 1)} < ${ERROR_RATE} OR (${U16("b2", 1)} >= ${ERROR_RATE + CANCEL_RATE} AND ${U8("b3", 1)} < ${FALLBACK_RATE}) THEN 1 ELSE 0 END AS fallback_count,
                   ${U8("b3", 4)} >= 0.4 AS stream,
                   sqrt(-2 * ln(${U16("b1", 4)})) * cos(2 * pi() * ${U16("b1", 5)}) AS za,
                   sqrt(-2 * ln(${U16("b1", 4)})) * sin(2 * pi() * ${U16("b1", 5)}) AS zb,
                   sqrt(-2 * ln(${U16("b1", 6)})) * cos(2 * pi() * ${U16("b1", 7)}) AS zc,
                   sqrt(-2 * ln(${U16("b1", 6)})) * sin(2 * pi() * ${U16("b1", 7)}) AS zd
            FROM (
              SELECT p.n, g.k, decode(md5($4::text || ':' || g.k), 'hex') AS b1, decode(md5(g.k || ':' || $4::text || ':b'), 'hex') AS b2,
                     decode(md5('c:' || g.k || ':' || $4::text), 'hex') AS b3
              FROM unnest($1::int4[], $2::int4[], $3::int8[]) AS p(n, cnt, k0), generate_series(p.k0, p.k0 + p.cnt - 1) AS g(k)
              OFFSET 0
            ) g
            JOIN demo_users u ON u.n = g.n
            JOIN demo_minute mq ON mq.j = floor(${U16("b1", 2)} * $5::int)::int
            OFFSET 0
          ) s1
          LEFT JOIN demo_pslot ps ON s1.byok_path AND ps.pi = s1.byok_pi AND ps.s = s1.slot
          JOIN demo_slot ls ON ls.lvl = s1.lvl AND ls.s = s1.slot
          JOIN demo_model m ON m.mi = COALESCE(ps.mi, ls.mi)
          JOIN demo_slot fs ON fs.lvl = m.lvl AND fs.s = (s1.slot + 397) % ${SLOTS}
          JOIN demo_model fm ON fm.mi = fs.mi
          JOIN demo_prec pr ON pr.ptask = s1.task
          OFFSET 0
        ) s2
        OFFSET 0
      ) s3
      OFFSET 0
    ) s4
    OFFSET 0
  ) s5
) s6`;
}

const LEDGER_DAY_SQL = `
INSERT INTO demo_led (n, ts, ord, seq, type, amount, balance_after, reference, idempotency_key, actor, evt, evt_type, obj, evt_amount)
WITH ev AS (
  SELECT n, ts, 2 AS ord, k AS seq, 'CHARGE' AS type, -charged AS amount, -charged AS davail, 'request ' || id AS reference,
         'charge:' || id AS idempotency_key, NULL::text AS actor, NULL::text AS evt, NULL::text AS evt_type, NULL::text AS obj, NULL::int8 AS evt_amount
  FROM demo_req WHERE charged > 0
  UNION ALL
  SELECT n, ts, 1, seq, type, amount, davail, reference, idempotency_key, actor, evt, evt_type, obj, evt_amount FROM demo_sched WHERE d = $1
), run AS (
  -- What the account could spend after each event, before any top-up of this day.
  SELECT ev.*, a.avail + (SUM(ev.davail) OVER w)::int8 AS av, a.pack
  FROM ev JOIN demo_acct a ON a.n = ev.n
  WINDOW w AS (PARTITION BY ev.n ORDER BY ev.ts, ev.ord, ev.seq ROWS UNBOUNDED PRECEDING)
), need AS (
  -- Packs that must have been bought by each event so that it never overdraws.
  SELECT run.*, MAX(CASE WHEN av < 0 THEN (-av + pack - 1) / pack ELSE 0 END) OVER w AS packs
  FROM run WINDOW w AS (PARTITION BY n ORDER BY ts, ord, seq ROWS UNBOUNDED PRECEDING)
), buy AS (
  SELECT need.*, packs - LAG(packs, 1, 0::int8) OVER (PARTITION BY n ORDER BY ts, ord, seq) AS bought FROM need
), topup AS (
  -- 2 minutes to 4 hours before, but not before the day (whose earlier entries are written already).
  SELECT n, date_trunc('milliseconds', ts - LEAST((2 + get_byte(h, 0) % 240) * interval '1 minute', (ts - $2::timestamp) * ((get_byte(h, 1) + 0.5) / 256))) AS ts,
         0 AS ord, seq, 'PURCHASE' AS type, bought * pack AS amount,
         'cs_demo_' || substr(md5('cs:' || $3::text || ':' || seq), 1, 24) AS cs,
         'pi_demo_' || substr(md5('pi:' || $3::text || ':' || seq), 1, 24) AS pi,
         'evt_demo_' || substr(md5('evt:' || $3::text || ':' || seq), 1, 24) AS evt
  FROM (SELECT buy.*, decode(md5('delay:' || $3::text || ':' || seq), 'hex') AS h FROM buy WHERE bought > 0) b
), entries AS (
  SELECT n, ts, ord, seq, type, amount, reference, idempotency_key, actor, evt, evt_type, obj, evt_amount FROM ev
  UNION ALL
  SELECT n, ts, ord, seq, type, amount, 'Stripe checkout ' || cs || ' (payment ' || pi || ')', 'stripe-session:' || cs, NULL, evt,
         'checkout.session.completed', cs, amount FROM topup
)
SELECT e.n, e.ts, e.ord, e.seq, e.type, e.amount, a.balance + (SUM(e.amount) OVER (PARTITION BY e.n ORDER BY e.ts, e.ord, e.seq ROWS UNBOUNDED PRECEDING))::int8,
       e.reference, e.idempotency_key, e.actor, e.evt, e.evt_type, e.obj, e.evt_amount
FROM entries e JOIN demo_acct a ON a.n = e.n`;

const TEMP_TABLES = `
CREATE TEMP TABLE demo_minute (j int4 PRIMARY KEY, minute int4 NOT NULL);
CREATE TEMP TABLE demo_model (mi int4 PRIMARY KEY, model_id text, provider_id text, slug text, name text, level "PowerLevel", lvl int4, pi int4,
  in_p int8, out_p int8, cr_p int8, cw_p int8, latency_ms int4, max_prompt int4, max_completion int4, completion_mult float8,
  cache_read_share float8, cache_write_share float8, reasoning bool, requires_key bool);
CREATE TEMP TABLE demo_slot (lvl int4, s int4, mi int4, PRIMARY KEY (lvl, s));
CREATE TEMP TABLE demo_pslot (pi int4, s int4, mi int4, PRIMARY KEY (pi, s));
CREATE TEMP TABLE demo_prec (ptask int4 PRIMARY KEY, in_p int8, out_p int8);
CREATE TEMP TABLE demo_users (n int4 PRIMARY KEY, user_id text, account_id text, key_id text, p_eco float8, p_bal float8, byok_pi int4, byok_share float8);
CREATE TEMP TABLE demo_acct (n int4 PRIMARY KEY, pack int8, balance int8 NOT NULL DEFAULT 0, avail int8 NOT NULL DEFAULT 0, first_at timestamp, last_at timestamp, last_used timestamp);
CREATE TEMP TABLE demo_sched (d int4, n int4, ts timestamp, seq int8, type text, amount int8, davail int8, reference text, idempotency_key text,
  actor text, evt text, evt_type text, obj text, evt_amount int8);
CREATE INDEX ON demo_sched (d);
CREATE TEMP TABLE demo_req (k int8, n int4, id text, user_id text, api_key_id text, provider_id text, model_id text, provider_slug text,
  model_name text, power_level "PowerLevel", task_type text, prompt_tokens int4, completion_tokens int4, cache_read_tokens int4,
  cache_write_tokens int4, reasoning_tokens int4, charged int8, provider_cost int8, in_cost int8, cr_cost int8, cw_cost int8, out_cost int8,
  precision_cost int8, latency_ms int4, ttft_ms int4, status text, error_message text, fallback_count int4, byok bool, stream bool,
  attempts jsonb, ts timestamp);
CREATE TEMP TABLE demo_led (n int4, ts timestamp, ord int4, seq int8, type text, amount int8, balance_after int8, reference text,
  idempotency_key text, actor text, evt text, evt_type text, obj text, evt_amount int8)`;

const DROP_TEMP =
  "DROP TABLE IF EXISTS demo_minute, demo_model, demo_slot, demo_pslot, demo_prec, demo_users, demo_acct, demo_sched, demo_req, demo_led";

// ---------------------------------------------------------------------------------------------

/** Deletes every demo user (demo-<n>@example.test) with their usage, ledger and Stripe events. */
export async function deleteDemoData(db: Db): Promise<DeletedDemoData> {
  const client = await sqlTargetOf(db).pool.connect();
  let released = false;
  try {
    await client.query("BEGIN");
    const deleted = await deleteIn(client);
    await client.query("COMMIT");
    client.release();
    released = true;
    // The rollups summed the deleted rows.
    if (deleted.users) await rebuildRollups(db);
    return deleted;
  } catch (err) {
    if (!released) await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    if (!released) client.release();
  }
}

async function deleteIn(c: pg.PoolClient): Promise<DeletedDemoData> {
  await c.query(
    `CREATE TEMP TABLE demo_gone ON COMMIT DROP AS
    SELECT u.id AS user_id, a.id AS account_id FROM users u LEFT JOIN credit_accounts a ON a.user_id = u.id WHERE u.email LIKE $1`,
    [DEMO_EMAIL_PATTERN],
  );
  const users = (await c.query("SELECT count(*)::int AS n FROM demo_gone")).rows[0].n as number;
  if (!users) return { users: 0, usageRows: 0, ledgerEntries: 0, stripeEvents: 0 };
  const ledgerEntries =
    (
      await c.query(
        "DELETE FROM ledger_entries WHERE account_id IN (SELECT account_id FROM demo_gone WHERE account_id IS NOT NULL)",
      )
    ).rowCount ?? 0;
  await c.query(
    "DELETE FROM reservations WHERE account_id IN (SELECT account_id FROM demo_gone WHERE account_id IS NOT NULL)",
  );
  const usageRows =
    (await c.query("DELETE FROM usage_logs WHERE user_id IN (SELECT user_id FROM demo_gone)")).rowCount ?? 0;
  const stripeEvents = (await c.query("DELETE FROM stripe_events WHERE id LIKE 'evt\\_demo\\_%'")).rowCount ?? 0;
  await c.query("DELETE FROM users WHERE id IN (SELECT user_id FROM demo_gone)");
  return { users, usageRows, ledgerEntries, stripeEvents };
}

export async function generateDemoData(db: Db, options: DemoDataOptions): Promise<DemoDataResult> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const D = options.days ?? 90;
  const U = options.users;
  const N = options.requests;
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(N) || N < 0) throw new RangeError(`requests must be a non-negative integer (got ${N})`);
  if (!Number.isSafeInteger(U) || U < 1) throw new RangeError(`users must be a positive integer (got ${U})`);
  if (!Number.isSafeInteger(D) || D < 1 || D > 3660)
    throw new RangeError(`days must be an integer from 1 to 3660 (got ${D})`);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 2 ** 31)
    throw new RangeError(`seed must be an integer from 0 to 2^31 (got ${seed})`);
  const now = Math.floor(ms(options.now ?? new Date()));
  // One password hash for everyone: a random password nobody knows (demo users cannot sign in).
  const passwordHash = await hashPassword(randomBytes(24).toString("base64url"));

  const client = await sqlTargetOf(db).pool.connect();
  let result: DemoDataResult;
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL work_mem = '64MB'");
    // The planner cannot size generate_series per user and so costs the batch statements high
    // enough to JIT-compile them: over a second each, for statements that run in a fraction of that.
    if ((await client.query("SELECT count(*)::int AS n FROM pg_settings WHERE name = 'jit'")).rows[0].n)
      await client.query("SET LOCAL jit = off");
    // Two runs at once would both pass the check below.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('switchyard.demo-data'))");
    let deleted: DeletedDemoData | null = null;
    const existing = (
      await client.query("SELECT count(*)::int AS n FROM users WHERE email LIKE $1", [DEMO_EMAIL_PATTERN])
    ).rows[0].n as number;
    if (existing && !options.reset)
      throw new DemoDataExistsError(
        `${existing} demo users (demo-<n>@example.test) already exist: run with --reset to replace them`,
      );
    if (existing) {
      const t = Date.now();
      deleted = await deleteIn(client);
      log(
        `deleted earlier demo data: ${deleted.users} users, ${deleted.usageRows} requests, ${deleted.ledgerEntries} ledger entries (${secs(t)})`,
      );
    }
    result = await generateIn(client, { N, U, D, seed, now, passwordHash, log, started });
    result.deleted = deleted;
    await client.query(DROP_TEMP);
    const tc = Date.now();
    await client.query("COMMIT");
    log(`committed (${secs(tc)})`);
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  const ta = Date.now();
  for (const table of ["users", "api_keys", "credit_accounts", "usage_logs", "ledger_entries", "stripe_events"])
    await db.$executeRawUnsafe(`ANALYZE ${table}`);
  log(`analyzed (${secs(ta)})`);
  await recountKeySpend(db);
  const tr = Date.now();
  const rolled = await rebuildRollups(db);
  for (const table of ["usage_daily", "usage_daily_users", "ledger_daily"])
    await db.$executeRawUnsafe(`ANALYZE ${table}`);
  log(`rollups rebuilt: ${rolled.days} whole days (${secs(tr)})`);
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

const secs = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function generateIn(
  c: pg.PoolClient,
  o: {
    N: number;
    U: number;
    D: number;
    seed: number;
    now: number;
    passwordHash: string;
    log: (line: string) => void;
    started: number;
  },
): Promise<DemoDataResult> {
  const { N, U, D, seed, now, log } = o;
  const { models, providers } = await loadCatalog(c, seed);
  const { minutes, cdf } = minuteQuantiles();
  const plan = planRequests({ requests: N, users: U, days: D, seed, now }, cdf);
  const { days } = plan;

  // Model slots per level (weighted by popularity); a level without models borrows every model.
  const levelSlots = [0, 1, 2].map((lvl) => {
    const ms_ = models.filter((m) => m.lvl === lvl);
    const pool = ms_.length ? ms_ : models;
    return slotsFor(
      pool.map((m) => m.mi),
      pool.map((m) => m.weight),
    );
  });
  const providerSlots = providers.map((_, pi) => {
    const pool = models.filter((m) => m.pi === pi);
    return slotsFor(
      pool.map((m) => m.mi),
      pool.map(() => 1),
    );
  });
  const users = planUsers(seed, plan, models, providers, levelSlots);
  const adminRow = (
    await c.query<{ id: string; email: string }>(
      "SELECT id, email FROM users WHERE role = 'ADMIN' AND NOT disabled ORDER BY created_at LIMIT 1",
    )
  ).rows[0];
  const sched = planScheduled({ seed, requests: N, days, now }, plan, adminRow ?? null);
  const precision = precisionModels(models);

  await c.query(DROP_TEMP);
  await c.query(TEMP_TABLES);
  await c.query("INSERT INTO demo_minute SELECT * FROM unnest($1::int4[], $2::int4[])", [
    minutes.map((_, j) => j),
    minutes,
  ]);
  await c.query(
    `INSERT INTO demo_model SELECT * FROM unnest($1::int4[], $2::text[], $3::text[], $4::text[], $5::text[], $6::"PowerLevel"[], $7::int4[], $8::int4[],
       $9::int8[], $10::int8[], $11::int8[], $12::int8[], $13::int4[], $14::int4[], $15::int4[], $16::float8[], $17::float8[], $18::float8[], $19::bool[], $20::bool[])`,
    [
      models.map((m) => m.mi),
      models.map((m) => m.row.model_id),
      models.map((m) => m.row.provider_id),
      models.map((m) => m.row.slug),
      models.map((m) => m.row.name),
      models.map((m) => m.row.level),
      models.map((m) => m.lvl),
      models.map((m) => m.pi),
      models.map((m) => m.row.in_p),
      models.map((m) => m.row.out_p),
      // Cache tokens are billed at the cache prices when the model lists them, else at the input price.
      models.map((m) => m.row.cr_p ?? m.row.in_p),
      models.map((m) => m.row.cw_p ?? m.row.in_p),
      models.map((m) => m.row.latency_ms),
      models.map((m) => m.maxPrompt),
      models.map((m) => m.maxCompletion),
      models.map((m) => m.completionMult),
      models.map((m) => (m.row.is_local || m.row.kind === "simulated" ? 0 : (CACHE_READ_SHARE[m.row.slug] ?? 0.05))),
      models.map((m) => CACHE_WRITE_SHARE[m.row.slug] ?? (m.row.cw_p !== null ? 0.05 : 0)),
      models.map((m) => m.reasoning),
      models.map((m) => m.row.requires_key),
    ],
  );
  const slotRows = levelSlots.flatMap((slots, lvl) => slots.map((mi, s) => [lvl, s, mi]));
  await c.query("INSERT INTO demo_slot SELECT * FROM unnest($1::int4[], $2::int4[], $3::int4[])", [
    slotRows.map((r) => r[0]),
    slotRows.map((r) => r[1]),
    slotRows.map((r) => r[2]),
  ]);
  const pslotRows = providerSlots.flatMap((slots, pi) => slots.map((mi, s) => [pi, s, mi]));
  await c.query("INSERT INTO demo_pslot SELECT * FROM unnest($1::int4[], $2::int4[], $3::int4[])", [
    pslotRows.map((r) => r[0]),
    pslotRows.map((r) => r[1]),
    pslotRows.map((r) => r[2]),
  ]);
  await c.query("INSERT INTO demo_prec SELECT * FROM unnest($1::int4[], $2::int8[], $3::int8[])", [
    precision.map((_, i) => i),
    precision.map((m) => m.inP),
    precision.map((m) => m.outP),
  ]);
  const nIdx = users.ids.map((_, n) => n);
  await c.query(
    "INSERT INTO demo_users SELECT * FROM unnest($1::int4[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::int4[], $8::float8[])",
    [nIdx, users.ids, users.accounts, users.keys, users.pEco, users.pBal, users.byokPi, users.byokShare],
  );
  await c.query("INSERT INTO demo_acct (n, pack) SELECT * FROM unnest($1::int4[], $2::int8[])", [nIdx, users.pack]);
  await c.query(
    `INSERT INTO demo_sched SELECT * FROM unnest($1::int4[], $2::int4[], $3::timestamp[], $4::int8[], $5::text[], $6::int8[], $7::int8[], $8::text[], $9::text[],
       $10::text[], $11::text[], $12::text[], $13::text[], $14::int8[])`,
    [
      sched.d,
      sched.n,
      sched.ts,
      sched.seq,
      sched.type,
      sched.amount,
      sched.davail,
      sched.ref,
      sched.key,
      sched.actor,
      sched.evt,
      sched.evtType,
      sched.obj,
      sched.evtAmount,
    ],
  );
  await c.query("ANALYZE demo_minute, demo_model, demo_slot, demo_pslot, demo_prec, demo_users, demo_acct, demo_sched");

  // Users (created_at is set at the end, just before their first activity), their accounts and keys.
  const windowStart = pgTs(days[0]!.start);
  await c.query(
    `INSERT INTO users (id, email, password_hash, role, created_at, updated_at)
     SELECT user_id, 'demo-' || (n + 1) || '@example.test', $1, 'USER', $2::timestamp, $2::timestamp FROM demo_users ORDER BY n`,
    [o.passwordHash, windowStart],
  );
  await c.query(
    `INSERT INTO credit_accounts (id, user_id, created_at, updated_at) SELECT account_id, user_id, $1::timestamp, $1::timestamp FROM demo_users ORDER BY n`,
    [windowStart],
  );
  await c.query(
    `INSERT INTO api_keys (id, user_id, name, key_hash, prefix, created_at)
     SELECT key_id, user_id, 'demo', encode(sha256(convert_to(gen_random_uuid()::text || key_id, 'UTF8')), 'hex'),
            'sk-sy-' || substr(md5(key_id), 1, 6), $1::timestamp FROM demo_users ORDER BY n`,
    [windowStart],
  );
  log(
    `catalog: ${models.length} models of ${providers.length} providers; ${U} users, ${sched.seq.length} scheduled grants/refund purchases/refunds (${secs(o.started)})`,
  );

  const reqSql = requestSql();
  let done = 0;
  let nextReport = 0;
  const counts = { charged: 0, entries: 0, purchases: 0 };
  let k0 = 1;
  for (let d = 0; d < D; d++) {
    const day = days[d]!;
    const ns: number[] = [];
    const cnts: number[] = [];
    const starts: number[] = [];
    for (let n = 0; n < U; n++) {
      const cnt = plan.counts[d * U + n]!;
      if (cnt <= 0) continue;
      ns.push(n);
      cnts.push(cnt);
      starts.push(k0);
      k0 += cnt;
    }
    await c.query("TRUNCATE demo_req, demo_led");
    if (ns.length)
      await c.query(reqSql, [ns, cnts, starts, String(seed), day.jmax, pgTs(day.start), day.start, day.len]);
    await c.query(
      `INSERT INTO usage_logs (id, user_id, api_key_id, provider_id, model_id, provider_slug, model_name, power_level, task_type, prompt_tokens,
         completion_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, charged_micros, provider_cost_micros, input_cost_micros,
         cache_read_cost_micros, cache_write_cost_micros, output_cost_micros, precision_cost_micros, latency_ms, ttft_ms, status, error_message,
         fallback_count, byok, stream, attempts, created_at)
       SELECT id, user_id, api_key_id, provider_id, model_id, provider_slug, model_name, power_level, task_type, prompt_tokens, completion_tokens,
         cache_read_tokens, cache_write_tokens, reasoning_tokens, charged, provider_cost, in_cost, cr_cost, cw_cost, out_cost, precision_cost,
         latency_ms, ttft_ms, status, error_message, fallback_count, byok, stream, attempts, ts
       FROM demo_req ORDER BY ts, k`,
    );
    await c.query(LEDGER_DAY_SQL, [d, pgTs(day.start), String(seed)]);
    const inserted = await c.query(
      `INSERT INTO ledger_entries (account_id, type, amount_micros, balance_after_micros, reference, idempotency_key, actor_user_id, created_at)
       SELECT u.account_id, l.type::"LedgerEntryType", l.amount, l.balance_after, l.reference, l.idempotency_key, l.actor, l.ts
       FROM demo_led l JOIN demo_users u ON u.n = l.n ORDER BY l.ts, l.ord, l.seq, l.n`,
    );
    await c.query(
      `INSERT INTO stripe_events (id, type, object_id, amount_micros, source, processed_at)
       SELECT evt, evt_type, obj, evt_amount, 'webhook', ts FROM demo_led WHERE evt IS NOT NULL`,
    );
    const stats = await c.query<{ charged: number; purchases: number }>(
      `WITH l AS (SELECT n, sum(amount) AS amount, min(ts) AS first_at, max(ts) AS last_at FROM demo_led GROUP BY n),
            r AS (SELECT n, min(ts) AS first_at, max(ts) FILTER (WHERE api_key_id IS NOT NULL) AS last_used FROM demo_req GROUP BY n),
            s AS (SELECT n, sum(davail) AS davail FROM demo_sched WHERE d = $1 GROUP BY n),
            c AS (SELECT n, sum(charged) AS charged FROM demo_req GROUP BY n),
            p AS (SELECT n, sum(amount) AS bought FROM demo_led WHERE type = 'PURCHASE' AND evt LIKE 'evt\\_demo\\_%' AND ord = 0 GROUP BY n),
            upd AS (
              UPDATE demo_acct a SET
                balance = a.balance + COALESCE(l.amount, 0),
                avail = a.avail + COALESCE(s.davail, 0) - COALESCE(c.charged, 0) + COALESCE(p.bought, 0),
                first_at = LEAST(a.first_at, l.first_at, r.first_at),
                last_at = GREATEST(a.last_at, l.last_at),
                last_used = GREATEST(a.last_used, r.last_used)
              FROM demo_acct a2 LEFT JOIN l ON l.n = a2.n LEFT JOIN r ON r.n = a2.n LEFT JOIN s ON s.n = a2.n LEFT JOIN c ON c.n = a2.n LEFT JOIN p ON p.n = a2.n
              WHERE a.n = a2.n AND (l.n IS NOT NULL OR r.n IS NOT NULL)
            )
       SELECT (SELECT count(*) FROM demo_req WHERE charged > 0)::int AS charged, (SELECT count(*) FROM demo_led WHERE ord = 0)::int AS purchases`,
      [d],
    );
    counts.charged += stats.rows[0]!.charged;
    counts.purchases += stats.rows[0]!.purchases;
    counts.entries += inserted.rowCount ?? 0;
    done += cnts.reduce((a, b) => a + b, 0);
    if (done >= nextReport || d === D - 1) {
      log(
        `day ${d + 1}/${D} ${pgTs(day.start).slice(0, 10)}: ${done} requests, ${counts.entries} ledger entries so far (${secs(o.started)})`,
      );
      nextReport = done + Math.max(1, Math.floor(N / 20));
    }
  }

  // Balances, and every user created a little before their first activity (or before the window).
  await c.query(
    `UPDATE credit_accounts ca SET balance_micros = a.balance, updated_at = COALESCE(a.last_at, ca.created_at)
     FROM demo_acct a JOIN demo_users u ON u.n = a.n WHERE ca.id = u.account_id`,
  );
  await c.query(
    `WITH t AS (
       SELECT u.user_id, u.account_id, u.key_id, a.last_used,
              CASE WHEN a.first_at IS NULL OR a.first_at < $1::timestamp + interval '1 day'
                   THEN $1::timestamp - (get_byte(h, 0) * 256 + get_byte(h, 1)) * interval '4 minutes' - get_byte(h, 3) * interval '937 milliseconds'
                   ELSE a.first_at - (1 + get_byte(h, 2) % 120) * interval '1 minute' - get_byte(h, 3) * interval '233 milliseconds' END AS created
       FROM demo_users u JOIN demo_acct a ON a.n = u.n, decode(md5('join:' || $2::text || ':' || u.n), 'hex') AS h
     ), uu AS (
       UPDATE users x SET created_at = t.created, updated_at = t.created FROM t WHERE x.id = t.user_id
     ), ka AS (
       UPDATE credit_accounts x SET created_at = t.created FROM t WHERE x.id = t.account_id
     )
     UPDATE api_keys x SET created_at = t.created + interval '30 seconds', last_used_at = t.last_used FROM t WHERE x.id = t.key_id`,
    [windowStart, String(seed)],
  );
  const totals = (
    await c.query(`SELECT (SELECT count(*) FILTER (WHERE type = 'PURCHASE') FROM demo_sched)::int AS sched_purchases,
                          (SELECT count(*) FILTER (WHERE type = 'REFUND') FROM demo_sched)::int AS refunds,
                          (SELECT count(*) FILTER (WHERE type = 'GRANT') FROM demo_sched)::int AS grants,
                          (SELECT COALESCE(sum(balance), 0)::text FROM demo_acct) AS balances`)
  ).rows[0] as { sched_purchases: number; refunds: number; grants: number; balances: string };
  const money = (
    await c.query(
      `SELECT COALESCE(sum(charged_micros), 0)::text AS charged FROM usage_logs WHERE user_id IN (SELECT user_id FROM demo_users)`,
    )
  ).rows[0] as { charged: string };
  const purchased = (
    await c.query(
      `SELECT COALESCE(sum(amount_micros), 0)::text AS purchased, count(*)::int AS events FROM stripe_events WHERE id LIKE 'evt\\_demo\\_%' AND type = 'checkout.session.completed'`,
    )
  ).rows[0] as { purchased: string; events: number };
  const events = (await c.query(`SELECT count(*)::int AS n FROM stripe_events WHERE id LIKE 'evt\\_demo\\_%'`)).rows[0]
    .n as number;
  return {
    users: U,
    apiKeys: U,
    requests: N,
    chargedRequests: counts.charged,
    ledgerEntries: counts.entries,
    purchases: purchased.events,
    refunds: totals.refunds,
    grants: totals.grants,
    stripeEvents: events,
    chargedMicros: Number(money.charged),
    purchasedMicros: Number(purchased.purchased),
    deleted: null,
    seconds: 0,
  };
}
