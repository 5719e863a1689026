/**
 * Step 2, hard filters: a model either can serve the request or it cannot, whatever the score.
 * Provider-wide facts (rule exclusion, enabled, privacy, circuit, key, region) are decided once
 * per provider; the per-model checks are a few comparisons. The step 1 rule exclusion is
 * checked here first because it is also provider-wide.
 */
import type { PreparedCatalog } from "./catalog.ts";
import { FLAG_EMBEDDINGS, FLAG_ENABLED, FLAG_INVALID, FLAG_JSON, FLAG_TOOLS, FLAG_VISION } from "./catalog.ts";
import type { ReasonCode } from "./reasons.ts";
import { describeReason, emptyDetails, REASON } from "./reasons.ts";
import type { HealthMap, KeyFence, PowerLevel, ProviderHealth, RouterProvider } from "./types.ts";

/** What one provider looks like to this caller right now. */
export interface ProviderState {
  /** Name of the rule that excluded the provider, if any. */
  excludedByRule: string | null;
  /** The caller has a BYOK key for it (and it needs a key). */
  byok: boolean;
  circuitOpen: boolean;
}

/** Provider needs no key, or a platform key is stored, or the caller brings one. */
export function keyAvailable(p: RouterProvider, byok: boolean): boolean {
  return !p.requiresKey || p.hasPlatformKey || byok;
}

/** Health by provider id, else slug; undefined = no news (healthy). */
export function healthOf(health: HealthMap | undefined, p: RouterProvider): ProviderHealth | undefined {
  return health ? (health[p.id] ?? health[p.slug]) : undefined;
}

/**
 * What a degraded provider counts as at best: this process may have seen little of its traffic,
 * while the cluster saw it fail more than the healthy threshold allows.
 */
export const DEGRADED_SUCCESS_RATE = 0.8;

/** Recent success rate 0..1 for ranking, 1 when unknown or invalid; a degraded provider's is capped. */
export function successRateOf(h: ProviderHealth | undefined): number {
  const sr = h?.successRate;
  const own = typeof sr === "number" && sr >= 0 && sr <= 1 ? sr : 1;
  return h?.degraded === true ? Math.min(own, DEGRADED_SUCCESS_RATE) : own;
}

export interface HardFilterContext {
  privacyRequired: boolean;
  promptTokens: number;
  maxOutputTokens: number;
  needVision: boolean;
  needTools: boolean;
  /** response_format asks for JSON (json_object / json_schema). */
  needJson: boolean;
  /** Embeddings and chat models never stand in for each other. */
  embeddings: boolean;
  /** Lower-cased; null = any region. */
  region: string | null;
  maxCostMicros: number | null;
}

/**
 * The provider-wide reason every model of this provider is out, or OK. Order: rule exclusion,
 * provider disabled, privacy (local only), circuit open, no usable key, region (exact match,
 * case-insensitive; "global" does not match a specific region).
 */
export function providerFilterCode(
  p: RouterProvider,
  s: ProviderState,
  privacyRequired: boolean,
  region: string | null,
  providerRegionLower: string,
): ReasonCode {
  if (s.excludedByRule !== null) return REASON.RULE_EXCLUDED;
  if (!p.enabled) return REASON.PROVIDER_DISABLED;
  if (privacyRequired && !p.isLocal) return REASON.PRIVACY_CLOUD;
  if (s.circuitOpen) return REASON.CIRCUIT_OPEN;
  if (!keyAvailable(p, s.byok)) return REASON.NO_KEY;
  if (region !== null && providerRegionLower !== region) return REASON.REGION;
  return REASON.OK;
}

/** Whether the caller's API key allows this model (public id and slug as in the catalog). */
export function fenceAllows(f: KeyFence, publicId: string, providerSlug: string, level: PowerLevel): boolean {
  if (f.allowedLevels && !f.allowedLevels.has(level)) return false;
  if (!f.allowedModels) return true;
  return f.allowedModels.has(publicId.toLowerCase()) || (f.allowedProviders?.has(providerSlug.toLowerCase()) ?? false);
}

/**
 * The model's own reason that needs no price, or OK: invalid entry, disabled, context window
 * below prompt + max output, missing vision / tools / JSON output, or the wrong kind of model
 * (embeddings for chat, chat for embeddings).
 */
export function modelFilterCode(flags: number, contextTokens: number, ctx: HardFilterContext): ReasonCode {
  if (flags & FLAG_INVALID) return REASON.INVALID_ENTRY;
  if (!(flags & FLAG_ENABLED)) return REASON.MODEL_DISABLED;
  const code = operationCode(flags, ctx);
  if (code !== REASON.OK) return code;
  if (contextTokens < ctx.promptTokens + ctx.maxOutputTokens) return REASON.CONTEXT;
  if (ctx.needVision && !(flags & FLAG_VISION)) return REASON.NO_VISION;
  if (ctx.needTools && !(flags & FLAG_TOOLS)) return REASON.NO_TOOLS;
  if (ctx.needJson && !(flags & FLAG_JSON)) return REASON.NO_JSON;
  return REASON.OK;
}

/** What even a pinned model must be able to do: the right kind of model, and JSON when asked for. */
export function operationCode(flags: number, ctx: Pick<HardFilterContext, "embeddings">): ReasonCode {
  if (ctx.embeddings) return flags & FLAG_EMBEDDINGS ? REASON.OK : REASON.NOT_EMBEDDINGS;
  return flags & FLAG_EMBEDDINGS ? REASON.EMBEDDINGS_ONLY : REASON.OK;
}

/**
 * The list-price estimate above max_cost_usd (BYOK candidates are held to it too: it caps what
 * the request costs whoever pays).
 */
export function maxCostCode(listCostMicros: number, maxCostMicros: number | null): ReasonCode {
  return maxCostMicros !== null && listCostMicros > maxCostMicros ? REASON.MAX_COST : REASON.OK;
}

/** Steps 1 and 2 for one model of a prepared catalog, as text (null when it passes). */
export function hardFilterReason(
  cat: PreparedCatalog,
  index: number,
  s: ProviderState,
  listCostMicros: number,
  ctx: HardFilterContext,
): string | null {
  const pi = cat.providerOf[index]!;
  const p = cat.providers[pi]!;
  let code = providerFilterCode(p, s, ctx.privacyRequired, ctx.region, cat.providerRegion[pi]!);
  if (code === REASON.OK) code = modelFilterCode(cat.flags[index]!, cat.contextTokens[index]!, ctx);
  if (code === REASON.OK) code = maxCostCode(listCostMicros, ctx.maxCostMicros);
  if (code === REASON.OK) return null;
  const d = emptyDetails();
  d.providerSlug = p.slug;
  d.providerRegion = p.region;
  d.ruleName = s.excludedByRule ?? undefined;
  d.contextTokens = cat.contextTokens[index]!;
  d.neededTokens = ctx.promptTokens + ctx.maxOutputTokens;
  d.region = ctx.region;
  d.costMicros = listCostMicros;
  d.maxCostMicros = ctx.maxCostMicros;
  return describeReason(code, d);
}

/**
 * Sets out[p] = 1 for every provider index named (by id or slug) in `keys` (a list, or a map's
 * keys), 0 elsewhere; with `needsKey`, only providers that require a key (a BYOK key for a
 * keyless provider is moot).
 */
export function markProviders(
  cat: PreparedCatalog,
  keys: readonly string[] | ReadonlyMap<string, unknown>,
  out: Uint8Array,
  needsKey: boolean,
): void {
  out.fill(0, 0, cat.providers.length);
  if (Array.isArray(keys)) {
    for (let k = 0; k < keys.length; k++) mark(cat, keys[k]!, out, needsKey);
  } else if ((keys as ReadonlyMap<string, unknown>).size > 0) {
    (keys as ReadonlyMap<string, unknown>).forEach((_, key) => mark(cat, key, out, needsKey));
  }
}

function mark(cat: PreparedCatalog, key: string, out: Uint8Array, needsKey: boolean): void {
  const p = cat.providerLookup.get(key);
  if (p !== undefined && (!needsKey || cat.providers[p]!.requiresKey)) out[p] = 1;
}
