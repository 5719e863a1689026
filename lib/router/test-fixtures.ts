/**
 * Test fixture: a copy of the seed catalog's providers and models (shared/catalog/seed-catalog.json),
 * prices converted from USD to integer micro-USD per 1M tokens, plus helpers that build a
 * decideRoute input. Used by tests only.
 */
import type { HealthMap, PowerLevel, RouteInput, RouterModel, RouterProvider } from "./types.ts";
import type { RoutingRule } from "./rules.ts";
import { routingRuleSchema } from "./rules.ts";

interface SeedProvider {
  slug: string;
  priority: number;
  requiresByok: boolean;
  isLocal: boolean;
  region: string;
}

type SeedModel = [
  provider: string,
  upstreamId: string,
  name: string,
  level: PowerLevel,
  inUsd: number,
  outUsd: number,
  latencyMs: number,
  quality: number,
  context: number,
  caps: string[],
];

export const SEED_PROVIDERS: readonly SeedProvider[] = [
  { slug: "local", priority: 100, requiresByok: false, isLocal: true, region: "self-hosted" },
  { slug: "groq", priority: 95, requiresByok: true, isLocal: false, region: "us" },
  { slug: "openrouter", priority: 90, requiresByok: false, isLocal: false, region: "global" },
  { slug: "openai", priority: 80, requiresByok: true, isLocal: false, region: "us" },
  { slug: "anthropic", priority: 80, requiresByok: true, isLocal: false, region: "us" },
  { slug: "together", priority: 70, requiresByok: true, isLocal: false, region: "us" },
  { slug: "huggingface", priority: 60, requiresByok: true, isLocal: false, region: "global" },
  { slug: "fireworks", priority: 65, requiresByok: true, isLocal: false, region: "us" },
  { slug: "deepinfra", priority: 65, requiresByok: true, isLocal: false, region: "us" },
  { slug: "deepseek", priority: 60, requiresByok: true, isLocal: false, region: "global" },
  { slug: "mistral", priority: 60, requiresByok: true, isLocal: false, region: "eu" },
  { slug: "google", priority: 60, requiresByok: true, isLocal: false, region: "global" },
];

export const SEED_MODELS: readonly SeedModel[] = [
  ["groq", "mixtral-8x7b-32768", "Groq Mixtral 8x7B", "ECO", 0.0, 0.0, 250, 8.0, 32768, ["chat", "code", "fast"]],
  [
    "groq",
    "llama-3.1-70b-versatile",
    "Groq Llama 3.1 70B",
    "ECO",
    0.0,
    0.0,
    300,
    8.5,
    131072,
    ["chat", "code", "fast"],
  ],
  [
    "local",
    "Qwen/Qwen2.5-32B-Instruct-AWQ",
    "Local Qwen 2.5 32B",
    "ECO",
    0.0,
    0.0,
    200,
    7.5,
    32768,
    ["chat", "code", "private"],
  ],
  [
    "openrouter",
    "meta-llama/llama-3.1-405b-instruct",
    "OpenRouter Llama 3.1 405B",
    "ECO",
    0.1,
    0.1,
    400,
    9.0,
    131072,
    ["chat", "reasoning", "rag"],
  ],
  [
    "openai",
    "gpt-4o-mini",
    "GPT-4o Mini",
    "BALANCED",
    0.15,
    0.6,
    400,
    8.5,
    128000,
    ["chat", "code", "vision", "tools"],
  ],
  [
    "anthropic",
    "claude-3-5-haiku-latest",
    "Claude 3.5 Haiku",
    "BALANCED",
    0.25,
    1.25,
    350,
    8.7,
    200000,
    ["chat", "code", "tools"],
  ],
  [
    "openrouter",
    "qwen/qwen-2.5-72b-instruct",
    "Qwen 2.5 72B Instruct",
    "BALANCED",
    0.35,
    0.4,
    350,
    8.8,
    32768,
    ["chat", "code", "multilingual"],
  ],
  [
    "openrouter",
    "meta-llama/llama-3.3-70b-instruct",
    "Llama 3.3 70B Instruct",
    "BALANCED",
    0.5,
    0.5,
    300,
    9.0,
    131072,
    ["chat", "code"],
  ],
  [
    "openai",
    "gpt-4o",
    "GPT-4o",
    "BALANCED",
    2.5,
    10.0,
    500,
    9.3,
    128000,
    ["chat", "code", "vision", "tools", "creative"],
  ],
  [
    "openrouter",
    "deepseek/deepseek-chat",
    "DeepSeek V3",
    "BALANCED",
    0.27,
    1.1,
    400,
    9.0,
    64000,
    ["chat", "code", "reasoning"],
  ],
  [
    "together",
    "meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo",
    "Together Llama 3.1 405B",
    "BALANCED",
    3.0,
    3.0,
    600,
    9.2,
    131072,
    ["chat", "reasoning", "rag"],
  ],
  [
    "huggingface",
    "Qwen/Qwen2.5-72B-Instruct",
    "HuggingFace Qwen 2.5 72B",
    "BALANCED",
    0.5,
    0.5,
    450,
    8.5,
    32768,
    ["chat", "code", "multilingual"],
  ],
  [
    "anthropic",
    "claude-3-5-sonnet-latest",
    "Claude 3.5 Sonnet",
    "PRECISION",
    3.0,
    15.0,
    600,
    9.8,
    200000,
    ["chat", "code", "creative", "reasoning", "tools", "rag"],
  ],
  ["openai", "o1-preview", "O1 Preview", "PRECISION", 15.0, 60.0, 5000, 9.9, 128000, ["reasoning", "code", "analysis"]],
  ["openai", "o1-mini", "O1 Mini", "PRECISION", 3.0, 12.0, 3000, 9.5, 128000, ["reasoning", "code"]],
  [
    "openrouter",
    "google/gemini-2.0-flash-thinking-exp:free",
    "Gemini 2.0 Flash Thinking",
    "PRECISION",
    0.0,
    0.0,
    1500,
    9.4,
    1000000,
    ["reasoning", "analysis", "long-context"],
  ],
  [
    "openrouter",
    "deepseek/deepseek-r1",
    "DeepSeek R1",
    "PRECISION",
    0.55,
    2.19,
    3500,
    9.7,
    64000,
    ["reasoning", "code", "analysis"],
  ],
  [
    "anthropic",
    "claude-3-opus-latest",
    "Claude 3 Opus",
    "PRECISION",
    15.0,
    75.0,
    800,
    9.9,
    200000,
    ["reasoning", "creative", "analysis", "long-context"],
  ],
  [
    "openrouter",
    "meta-llama/llama-3.1-405b-instruct:precision",
    "Llama 3.1 405B Instruct",
    "PRECISION",
    3.5,
    4.0,
    700,
    9.5,
    131072,
    ["chat", "reasoning"],
  ],
  [
    "openrouter",
    "google/gemini-pro-1.5",
    "Gemini 1.5 Pro",
    "PRECISION",
    1.25,
    5.0,
    600,
    9.2,
    2000000,
    ["chat", "vision", "rag", "long-context"],
  ],
  [
    "openai",
    "gpt-4-turbo",
    "GPT-4 Turbo",
    "PRECISION",
    10.0,
    30.0,
    800,
    9.4,
    128000,
    ["chat", "code", "vision", "tools"],
  ],
  [
    "local",
    "meta-llama/Meta-Llama-3-8B-Instruct",
    "Local Llama 3 8B",
    "ECO",
    0.0,
    0.0,
    150,
    6.5,
    8192,
    ["chat", "private", "fast"],
  ],
  [
    "fireworks",
    "accounts/fireworks/models/qwen2p5-72b-instruct",
    "Fireworks Qwen 2.5 72B",
    "BALANCED",
    2.0,
    2.0,
    400,
    8.8,
    32768,
    ["chat", "code"],
  ],
  [
    "deepinfra",
    "meta-llama/Meta-Llama-3.1-70B-Instruct",
    "DeepInfra Llama 3.1 70B",
    "BALANCED",
    3.0,
    3.0,
    450,
    8.5,
    131072,
    ["chat", "code"],
  ],
  [
    "together",
    "mistralai/Mixtral-8x22B-Instruct-v0.1",
    "Together Mixtral 8x22B",
    "ECO",
    2.0,
    2.0,
    500,
    8.3,
    65536,
    ["chat", "rag", "long-context"],
  ],
  [
    "deepseek",
    "deepseek-chat",
    "DeepSeek Chat (direct)",
    "ECO",
    0.27,
    1.1,
    1200,
    8.8,
    64000,
    ["chat", "code", "reasoning"],
  ],
  [
    "mistral",
    "mistral-small-latest",
    "Mistral Small (EU)",
    "ECO",
    0.2,
    0.6,
    500,
    7.8,
    32768,
    ["chat", "multilingual", "eu"],
  ],
  [
    "mistral",
    "mistral-large-latest",
    "Mistral Large (EU)",
    "BALANCED",
    2.0,
    6.0,
    700,
    9.0,
    131072,
    ["chat", "code", "reasoning", "eu"],
  ],
  [
    "google",
    "gemini-1.5-pro",
    "Gemini 1.5 Pro (direct)",
    "PRECISION",
    1.25,
    5.0,
    800,
    9.2,
    2000000,
    ["chat", "vision", "rag", "long-context"],
  ],
];

export interface FixtureOptions {
  /**
   * "seed": keys as the seed says (local needs none, openrouter has a platform key, the rest need
   * BYOK); "all": a platform key for every provider (the usual admin setup); or a list of slugs
   * with platform keys.
   */
  platformKeys?: "seed" | "all" | readonly string[];
}

export function seedProviders(options: FixtureOptions = {}): Map<string, RouterProvider> {
  const keys = options.platformKeys ?? "all";
  const out = new Map<string, RouterProvider>();
  for (const p of SEED_PROVIDERS) {
    const requiresKey = !p.isLocal;
    const hasPlatformKey =
      keys === "all" ? requiresKey : keys === "seed" ? requiresKey && !p.requiresByok : keys.includes(p.slug);
    out.set(p.slug, {
      id: `prov-${p.slug}`,
      slug: p.slug,
      name: p.slug,
      enabled: true,
      priority: p.priority,
      isLocal: p.isLocal,
      region: p.region,
      requiresKey,
      hasPlatformKey,
    });
  }
  return out;
}

export function seedModels(options: FixtureOptions = {}): RouterModel[] {
  const providers = seedProviders(options);
  return SEED_MODELS.map(
    ([slug, upstreamId, name, powerLevel, inUsd, outUsd, latencyMs, quality, contextTokens, caps]) => ({
      id: `m-${slug}-${upstreamId}`,
      upstreamId,
      name,
      powerLevel,
      inputPricePer1M: Math.round(inUsd * 1_000_000),
      outputPricePer1M: Math.round(outUsd * 1_000_000),
      latencyMs,
      quality,
      contextTokens,
      capabilities: caps,
      enabled: true,
      provider: providers.get(slug)!,
    }),
  );
}

/** Replace the provider object of every model of `slug` (providers are shared by reference). */
export function withProvider(
  models: readonly RouterModel[],
  slug: string,
  patch: Partial<RouterProvider>,
): RouterModel[] {
  const first = models.find((m) => m.provider.slug === slug);
  if (!first) throw new Error(`no provider ${slug}`);
  const next = { ...first.provider, ...patch };
  return models.map((m) => (m.provider.slug === slug ? { ...m, provider: next } : m));
}

export function withModel(
  models: readonly RouterModel[],
  publicId: string,
  patch: Partial<RouterModel>,
): RouterModel[] {
  let found = false;
  const out = models.map((m) => {
    if (`${m.provider.slug}/${m.upstreamId}` !== publicId) return m;
    found = true;
    return { ...m, ...patch };
  });
  if (!found) throw new Error(`no model ${publicId}`);
  return out;
}

export function withoutProvider(models: readonly RouterModel[], slug: string): RouterModel[] {
  return models.filter((m) => m.provider.slug !== slug);
}

/** A decideRoute input with sensible defaults: a chatty 1k-token prompt, $10 of credits, no budget. */
export function routeInput(
  over: Partial<Omit<RouteInput, "request" | "caller">> & {
    request?: RouteInput["request"];
    caller?: Partial<RouteInput["caller"]>;
  } = {},
): RouteInput {
  return {
    promptTokens: 1_000,
    maxOutputTokens: 1_000,
    catalog: seedModels(),
    health: {} as HealthMap,
    rules: [],
    ...over,
    request: { taskType: "chat", ...over.request },
    caller: {
      role: "USER",
      apiKeyId: "key-1",
      byokProviderIds: [],
      availableCreditsMicros: 10_000_000,
      budget: null,
      preferredPowerLevel: null,
      routingWeights: null,
      ...over.caller,
    },
  };
}

/** A stored rule, validated through the same schema the admin API uses. */
export function rule(id: string, priority: number, conditions: unknown, actions: unknown, active = true): RoutingRule {
  return routingRuleSchema.parse({ id, name: id, priority, active, conditions, actions });
}

/** Deterministic Fisher-Yates shuffle (mulberry32). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
