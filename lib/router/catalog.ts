/**
 * The catalog in the shape the router reads fastest: models in a canonical order (by provider
 * slug, then public id, so the input order never matters), providers deduplicated, lookups, per-task bonuses and the
 * numbers every decision reads laid out in typed arrays. Build it once per catalog version with
 * `prepareCatalog` and reuse it; it is frozen and must not be mutated.
 */
import { TASK_PREFERENCES } from "./catalog-defaults.ts";
import { isFreeModel } from "./cost.ts";
import type { PowerLevel, RouterModel, RouterProvider, TaskType } from "./types.ts";
import { POWER_LEVELS, TASK_TYPES } from "./types.ts";

/** Bonus (composite points before scaling) for a model whose name the task prefers. */
export const TASK_NAME_BONUS = 0.08;
/** Bonus for a model that lists the task among its capabilities. */
export const TASK_CAPABILITY_BONUS = 0.04;

export const FLAG_ENABLED = 1;
export const FLAG_VISION = 2;
export const FLAG_TOOLS = 4;
export const FLAG_FREE = 8;
/** Prices not non-negative integer micro-USD, or other unusable numbers: never routed to. */
export const FLAG_INVALID = 16;
/** Can answer in JSON (`response_format` json_object / json_schema): the "json" capability. */
export const FLAG_JSON = 32;
/** An embeddings model (the "embeddings" capability): routed to by /v1/embeddings only, never for chat. */
export const FLAG_EMBEDDINGS = 64;

export interface PreparedModel {
  readonly src: RouterModel;
  /** `<provider_slug>/<upstream_id>` */
  readonly publicId: string;
  readonly providerIndex: number;
}

export interface PreparedCatalog {
  readonly kind: "prepared-catalog";
  /** Sorted by provider slug, then public id; every array below is indexed like this one. */
  readonly models: readonly PreparedModel[];
  /** Sorted by slug; `providerOf` points here. */
  readonly providers: readonly RouterProvider[];
  /** Public id → index in models; also catalog id → index. */
  readonly lookup: ReadonlyMap<string, number>;
  /** Lower-cased public id → index, for case-insensitive pins. */
  readonly lookupLower: ReadonlyMap<string, number>;
  readonly providerOf: Int32Array;
  /** Index in POWER_LEVELS. */
  readonly levelOf: Uint8Array;
  readonly flags: Uint8Array;
  /**
   * The price every estimate (and so every hold) puts on a prompt token: the dearest a provider may
   * bill one at — input, cache write (Anthropic: 1.25× input) or cache read — since the request
   * does not say which tokens the provider will find in or write to its cache. See promptPricePer1M.
   */
  readonly promptPrice: Float64Array;
  readonly outputPrice: Float64Array;
  readonly latencyMs: Float64Array;
  readonly quality: Float64Array;
  readonly contextTokens: Float64Array;
  /** Per task type (index in TASK_TYPES), the task-strength bonus of every model. */
  readonly taskBonus: readonly Float64Array[];
  /** Per power level (index in POWER_LEVELS), its models' indices in canonical order. */
  readonly levelMembers: readonly Int32Array[];
  /** Models of provider p are indices providerStart[p] .. providerStart[p + 1] - 1. */
  readonly providerStart: Int32Array;
  /** Provider id or slug → provider index. */
  readonly providerLookup: ReadonlyMap<string, number>;
  /** Lower-cased region per provider index. */
  readonly providerRegion: readonly string[];
  /** Position of the model's public id in sorted order (the last tie-break). */
  readonly idOrder: Int32Array;
  /** The model's provider's priority (the first tie-break). */
  readonly priorityOf: Float64Array;
}

export function isPreparedCatalog(c: PreparedCatalog | readonly RouterModel[]): c is PreparedCatalog {
  return !Array.isArray(c) && (c as PreparedCatalog).kind === "prepared-catalog";
}

export function publicModelId(m: RouterModel): string {
  return `${m.provider.slug}/${m.upstreamId}`;
}

export function prepareCatalog(input: readonly RouterModel[]): PreparedCatalog {
  const providerById = new Map<string, RouterProvider>();
  for (const m of input) {
    const seen = providerById.get(m.provider.id);
    if (seen === m.provider) continue;
    // Providers are shared by reference in a joined catalog; if copies differ, keep one deterministically.
    if (!seen || cmpProvider(m.provider, seen) < 0) providerById.set(m.provider.id, m.provider);
  }
  const providers = [...providerById.values()].sort((a, b) => cmp(a.slug, b.slug) || cmp(a.id, b.id));
  const providerIndex = new Map(providers.map((p, i) => [p.id, i]));

  // Canonical order: by provider (slug), then public id, then catalog id. A provider's models are
  // contiguous, so a decision can skip a whole provider at once.
  const withIds = input.map((m) => ({ m, publicId: publicModelId(m), pi: providerIndex.get(m.provider.id)! }));
  withIds.sort((a, b) => a.pi - b.pi || cmp(a.publicId, b.publicId) || cmp(a.m.id, b.m.id));

  const n = withIds.length;
  const models: PreparedModel[] = [];
  const lookup = new Map<string, number>();
  const lookupLower = new Map<string, number>();
  const providerOf = new Int32Array(n);
  const levelOf = new Uint8Array(n);
  const flags = new Uint8Array(n);
  const promptPrice = new Float64Array(n);
  const outputPrice = new Float64Array(n);
  const latencyMs = new Float64Array(n);
  const quality = new Float64Array(n);
  const contextTokens = new Float64Array(n);
  const taskBonus = TASK_TYPES.map(() => new Float64Array(n));

  for (let i = 0; i < n; i++) {
    const { m, publicId, pi } = withIds[i]!;
    models.push(Object.freeze({ src: m, publicId, providerIndex: pi }));
    if (!lookup.has(publicId)) lookup.set(publicId, i);
    const lower = publicId.toLowerCase();
    if (!lookupLower.has(lower)) lookupLower.set(lower, i);

    const caps = m.capabilities.map((c) => c.toLowerCase());
    const valid =
      isPrice(m.inputPricePer1M) &&
      isPrice(m.outputPricePer1M) &&
      isCachePrice(m.cacheReadPricePer1M) &&
      isCachePrice(m.cacheWritePricePer1M) &&
      isNum(m.latencyMs) &&
      isNum(m.quality) &&
      isNum(m.contextTokens) &&
      POWER_LEVELS.includes(m.powerLevel);
    providerOf[i] = pi;
    levelOf[i] = Math.max(0, POWER_LEVELS.indexOf(m.powerLevel as PowerLevel));
    flags[i] =
      (m.enabled ? FLAG_ENABLED : 0) |
      (caps.includes("vision") ? FLAG_VISION : 0) |
      (caps.includes("tools") ? FLAG_TOOLS : 0) |
      (caps.includes("json") ? FLAG_JSON : 0) |
      (caps.includes("embeddings") ? FLAG_EMBEDDINGS : 0) |
      (valid && isFreeModel(promptPricePer1M(m), m.outputPricePer1M) ? FLAG_FREE : 0) |
      (valid ? 0 : FLAG_INVALID);
    promptPrice[i] = valid ? promptPricePer1M(m) : 0;
    outputPrice[i] = valid ? m.outputPricePer1M : 0;
    latencyMs[i] = valid ? m.latencyMs : 0;
    quality[i] = valid ? m.quality : 0;
    contextTokens[i] = valid ? m.contextTokens : 0;
    const bonuses = taskBonuses(m.name, caps);
    for (let t = 0; t < TASK_TYPES.length; t++) taskBonus[t]![i] = bonuses[TASK_TYPES[t]!];
  }
  for (let i = 0; i < n; i++) {
    const id = models[i]!.src.id;
    if (!lookup.has(id)) lookup.set(id, i);
  }
  const providerStart = new Int32Array(providers.length + 1);
  for (let i = 0, p = 0; p <= providers.length; p++) {
    while (i < n && providerOf[i]! < p) i++;
    providerStart[p] = i;
  }
  return Object.freeze({
    kind: "prepared-catalog",
    models: Object.freeze(models),
    providers: Object.freeze(providers),
    lookup,
    lookupLower,
    providerOf,
    levelOf,
    flags,
    promptPrice,
    outputPrice,
    latencyMs,
    quality,
    contextTokens,
    taskBonus: Object.freeze(taskBonus),
    providerLookup: providerLookup(providers),
    levelMembers: Object.freeze(
      POWER_LEVELS.map((_, l) => Int32Array.from(levelOf.keys()).filter((i) => levelOf[i] === l)),
    ),
    providerStart,
    providerRegion: Object.freeze(providers.map((p) => p.region.trim().toLowerCase())),
    idOrder: idOrder(models),
    priorityOf: Float64Array.from(providerOf, (pi) => providers[pi]!.priority),
  });
}

function idOrder(models: readonly PreparedModel[]): Int32Array {
  const byId = models
    .map((_, i) => i)
    .sort((a, b) => cmp(models[a]!.publicId, models[b]!.publicId) || cmp(models[a]!.src.id, models[b]!.src.id));
  const order = new Int32Array(models.length);
  byId.forEach((i, pos) => (order[i] = pos));
  return order;
}

function providerLookup(providers: readonly RouterProvider[]): Map<string, number> {
  const map = new Map<string, number>();
  providers.forEach((p, i) => map.set(p.id, i));
  providers.forEach((p, i) => {
    if (!map.has(p.slug)) map.set(p.slug, i);
  });
  return map;
}

/** Task-strength bonus per task: a preferred name fragment and/or the task listed as a capability. */
export function taskBonuses(name: string, lowerCaps: readonly string[]): Record<TaskType, number> {
  const out = {} as Record<TaskType, number>;
  const lowerName = name.toLowerCase();
  for (const task of TASK_TYPES) {
    let bonus = 0;
    if (TASK_PREFERENCES[task].some((frag) => startsWordAt(lowerName, frag.toLowerCase()))) bonus += TASK_NAME_BONUS;
    if (task !== "chat" && lowerCaps.includes(task)) bonus += TASK_CAPABILITY_BONUS;
    out[task] = bonus;
  }
  return out;
}

/** `frag` occurs in `text` starting at a word boundary ("O1" matches "O1 Mini", not "GPT-4o1"). */
function startsWordAt(text: string, frag: string): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf(frag, from);
    if (at === -1) return false;
    if (at === 0 || !isWordChar(text.charCodeAt(at - 1))) return true;
    from = at + 1;
  }
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * What a prompt token may cost at most on this model, whatever the provider does with its cache:
 * a request priced at this for its whole prompt bound is a proven upper bound of the invoice.
 */
export function promptPricePer1M(
  m: Pick<RouterModel, "inputPricePer1M" | "cacheReadPricePer1M" | "cacheWritePricePer1M">,
): number {
  return Math.max(m.inputPricePer1M, m.cacheReadPricePer1M ?? 0, m.cacheWritePricePer1M ?? 0);
}

function isPrice(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/** A cache price is optional: absent or null bills cache tokens at the input price. */
function isCachePrice(v: unknown): boolean {
  return v === undefined || v === null || isPrice(v);
}

function isNum(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

/** Any total order on provider copies, so duplicates resolve the same way whatever the input order. */
function cmpProvider(a: RouterProvider, b: RouterProvider): number {
  return cmp(JSON.stringify(a), JSON.stringify(b));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
