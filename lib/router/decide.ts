/**
 * decideRoute: the whole routing decision, pure and deterministic. Steps, in order:
 *  0. read `model` (alias or pinned id), the requested level and the task type (inferred if absent)
 *  1. admin rules (pin, exclude, prefer, force level) — rules.ts
 *  2. hard filters — filters.ts
 *  3. money: budget step-down / exhaustion, affordability — money.ts
 *  4. BYOK: charged 0 credits, score bonus — money.ts / score.ts
 *  5. latency SLO — latency.ts
 *  6. level pool (adjacent-level fallback), quality floor, scores, chain — score.ts
 *
 * Speed: the catalog is read from typed arrays (catalog.ts); a provider that fails a
 * provider-wide check is skipped with all its models; the chain is selected without sorting;
 * `excluded` is worked out again, with text, only when it is read (the same functions decide,
 * so it always agrees). Module-level scratch buffers are reused between calls (decideRoute is
 * synchronous, so calls never overlap); nothing returned points into them.
 */
import { DEFAULT_POWER_LEVEL } from "./catalog-defaults.ts";
import type { PreparedCatalog } from "./catalog.ts";
import { FLAG_ENABLED, FLAG_FREE, FLAG_INVALID, isPreparedCatalog, prepareCatalog } from "./catalog.ts";
import { costMicrosUnchecked, formatMicros } from "./cost.ts";
import type { HardFilterContext, ProviderState } from "./filters.ts";
import { fenceAllows, healthOf, markProviders, maxCostCode, modelFilterCode, providerFilterCode, successRateOf } from "./filters.ts";
import { inferTaskType } from "./infer-task.ts";
import { latencyCode, latencyLimitMs } from "./latency.ts";
import type { BudgetState } from "./money.ts";
import { budgetState, chargedCostMicros, moneyCode } from "./money.ts";
import type { ReasonCode, ReasonDetails } from "./reasons.ts";
import { describeReason, emptyDetails, REASON, stepOf } from "./reasons.ts";
import type { RuleEffects } from "./rules.ts";
import { applyRules } from "./rules.ts";
import type { Normalizer } from "./score.ts";
import { bonusOf, makeNormalizer, QUALITY_FLOOR, qualityBar, rankKey, rawScore, resolveWeights, scoresOf, selectChain } from "./score.ts";
import type {
  Exclusion,
  LatencySlo,
  PowerLevel,
  QualityTier,
  RouteCandidate,
  RouteDecision,
  RouteFailure,
  RouteFailureCode,
  RouteInput,
  RouteResult,
  RouterProvider,
  RoutingWeights,
  TaskType,
} from "./types.ts";
import { FAILURE_HTTP_STATUS, POWER_LEVELS, TASK_TYPES } from "./types.ts";

export const DEFAULT_MAX_FALLBACKS = 5;

/** The order levels are tried in when the chosen one has no usable model (cheaper side first for BALANCED). */
export const LEVEL_FALLBACK_ORDER: Readonly<Record<PowerLevel, readonly PowerLevel[]>> = {
  ECO: ["ECO", "BALANCED", "PRECISION"],
  BALANCED: ["BALANCED", "ECO", "PRECISION"],
  PRECISION: ["PRECISION", "BALANCED", "ECO"],
};

/** The routing aliases of `model` (lower-cased) and the level each names (auto: none). */
export const ALIAS_LEVEL: ReadonlyMap<string, PowerLevel | null> = new Map([
  ["auto", null],
  ["eco", "ECO"],
  ["balanced", "BALANCED"],
  ["precision", "PRECISION"],
]);
const MESSAGE_EXCLUSIONS = 5;

/** Per-provider facts of one decision. */
interface ProviderArrays {
  code: Uint8Array;
  byok: Uint8Array;
  excluded: Uint8Array;
  preferred: Uint8Array;
  success: Float64Array;
}

function providerArrays(size: number): ProviderArrays {
  return { code: new Uint8Array(size), byok: new Uint8Array(size), excluded: new Uint8Array(size), preferred: new Uint8Array(size), success: new Float64Array(size) };
}

// Scratch, grown on demand: per model index, and per provider index.
let listCost = new Float64Array(0);
let charged = new Float64Array(0);
let rank = new Float64Array(0);
let poolBuf = new Int32Array(0);
let prov: ProviderArrays = providerArrays(0);
/** For materialize, which may run between decisions, so never shares decideRoute's buffers. */
let spareCost = new Float64Array(0);

function ensureScratch(models: number, providers: number): void {
  if (listCost.length < models + 1) {
    const size = Math.max(64, (models + 1) * 2);
    listCost = new Float64Array(size);
    charged = new Float64Array(size);
    rank = new Float64Array(size);
    poolBuf = new Int32Array(size);
  }
  if (prov.code.length < providers) prov = providerArrays(Math.max(16, providers * 2));
}

/**
 * Per-decision facts every step reads, immutable once built. The lazy `excluded` keeps it, so
 * after decideRoute returns only these fields may be read, never objects inside `input` (health,
 * BYOK list), which the caller may since have changed.
 */
interface Ctx {
  cat: PreparedCatalog;
  input: RouteInput;
  taskType: TaskType;
  taskTypeInferred: boolean;
  requestedLevel: PowerLevel;
  level: PowerLevel;
  steppedDownToEco: boolean;
  effects: RuleEffects;
  budget: BudgetState;
  promptTokens: number;
  /** Upper bound of billable prompt tokens before the context-window cap (Infinity: the window). */
  promptBound: number;
  maxOutputTokens: number;
  weights: RoutingWeights;
  privacy: boolean;
  region: string | null;
  maxCostMicros: number | null;
  available: number;
  /** The platform's fee on BYOK requests, basis points of the list cost. */
  byokFeeBp: number;
  slo: LatencySlo | null;
  sloLimit: number | null;
  tier: QualityTier | null;
  filter: HardFilterContext;
}

export function decideRoute(input: RouteInput): RouteResult {
  const cat = isPreparedCatalog(input.catalog) ? input.catalog : prepareCatalog(input.catalog);
  const { request: req, caller } = input;
  const promptTokens = toCount(input.promptTokens);
  const maxOutputTokens = toCount(input.maxOutputTokens);
  const promptBound = input.promptTokensBound === undefined ? promptTokens : input.promptTokensBound === Infinity ? Infinity : Math.max(promptTokens, toCount(input.promptTokensBound));

  // 0. The model field: an alias sets the level, anything else pins a concrete model.
  const rawModel = (req.model ?? "").trim();
  const lowerModel = rawModel.toLowerCase();
  const pinned = rawModel !== "" && !ALIAS_LEVEL.has(lowerModel);
  const aliasLevel = pinned ? null : (ALIAS_LEVEL.get(lowerModel) ?? null);
  const requestedLevel = aliasLevel ?? req.powerLevel ?? caller.preferredPowerLevel ?? DEFAULT_POWER_LEVEL;
  const taskTypeInferred = !req.taskType;
  const taskType: TaskType = req.taskType ?? inferTaskType(req.lastUserText ?? "", promptTokens);
  const privacy = req.privacyRequired === true;

  // 1. Admin rules.
  const effects = applyRules(input.rules, {
    taskType,
    powerLevel: requestedLevel,
    privacyRequired: privacy,
    promptTokens,
    role: caller.role,
    apiKeyId: caller.apiKeyId ?? null,
  });
  let level = effects.forcePowerLevel?.level ?? requestedLevel;

  // 3 (budget part, needed before choosing the level pool): >= 80% spent routes at ECO.
  const budget = budgetState(caller.budget);
  const steppedDownToEco = budget.stepDown && level !== "ECO";
  if (budget.stepDown) level = "ECO";

  const region = req.region ? req.region.trim().toLowerCase() : null;
  const maxCostMicros = typeof req.maxCostMicros === "number" && req.maxCostMicros >= 0 ? req.maxCostMicros : null;
  const slo = req.latencySlo ?? null;
  const c: Ctx = {
    cat,
    input,
    taskType,
    taskTypeInferred,
    requestedLevel,
    level,
    steppedDownToEco,
    effects,
    budget,
    promptTokens,
    promptBound,
    maxOutputTokens,
    weights: resolveWeights(level, caller.routingWeights),
    privacy,
    region,
    maxCostMicros,
    available: Number.isFinite(caller.availableCreditsMicros) ? caller.availableCreditsMicros : 0,
    byokFeeBp: caller.byokFeeBasisPoints ?? 0,
    slo,
    sloLimit: latencyLimitMs(slo),
    tier: req.quality ?? null,
    filter: { privacyRequired: privacy, promptTokens, maxOutputTokens, needVision: req.hasImages === true, needTools: req.hasTools === true, needJson: req.hasResponseFormat === true, embeddings: req.operation === "embeddings", region, maxCostMicros },
  };

  const n = cat.models.length;
  const P = cat.providers.length;
  ensureScratch(n, P);
  const pa = prov;
  computeProviders(c, pa);

  if (pinned) {
    const index = cat.lookup.get(rawModel) ?? cat.lookupLower.get(lowerModel);
    if (index === undefined) return fail(c, "unknown_model", `Unknown model "${rawModel}": not in the catalog`, []);
    return decidePinned(c, index, pa);
  }

  // Steps 2 (per model), 3 and 5, level by level in fallback order (6: the first level with a
  // usable model is the pool), models in canonical order; a provider that failed is skipped.
  const lc = listCost;
  const ch = charged;
  const { providerOf } = cat;
  let used: PowerLevel | null = null;
  const pool = poolBuf;
  let count = 0;
  scanStats[0] = 0;
  scanStats[1] = 0;
  scanStats[2] = Infinity;
  // Set when the level asked for had models that fit but none the caller's credits cover.
  let creditsShortAt: PowerLevel | null = null;
  for (const l of LEVEL_FALLBACK_ORDER[level]) {
    count = scanLevel(c, cat.levelMembers[POWER_LEVELS.indexOf(l)]!, pa, lc, ch, pool);
    if (count > 0) {
      used = l;
      break;
    }
    if (l === level && scanStats[0]! > 0 && scanStats[1]! === 0 && !budget.exhausted) creditsShortAt = level;
  }
  const passedFilters = scanStats[0]!;
  const passedMoney = scanStats[1]!;
  const cheapestUnaffordable = scanStats[2]!;

  // What `excluded` needs of the per-provider facts (health and BYOK inputs may change later).
  const provSnap: number[] = new Array<number>(P);
  for (let p = 0; p < P; p++) provSnap[p] = pa.code[p]! | (pa.byok[p]! << 7);

  if (used === null) {
    const excluded = materialize(c, provSnap, -1, 0, -1);
    const window = largestWindow(cat);
    if (!privacy && window > 0 && window < promptTokens + maxOutputTokens) return contextFailure(c, window, excluded);
    if (passedFilters > 0 && passedMoney === 0) {
      if (budget.exhausted) {
        const why = caller.budget?.monthlyBudgetMicros === 0 ? "Your monthly budget is $0, which allows no paid requests," : `Monthly budget exhausted (${budget.percent ?? 100}% spent)`;
        return fail(c, "budget_exhausted", `${why} and no free or BYOK model can serve this request`, excluded);
      }
      return fail(
        c,
        "insufficient_credits",
        `Not enough credits: the cheapest eligible model needs ${formatMicros(cheapestUnaffordable)}, available ${formatMicros(Math.max(0, c.available))}`,
        excluded,
      );
    }
    if (privacy) {
      const local = excluded.filter((e) => e.step !== "filter" || !e.reason.startsWith("privacy required"));
      const detail = local.length > 0 ? `: ${summarize(local)}` : "";
      return fail(c, "privacy_no_local_model", `No local model is available and privacy_required forbids cloud providers${detail}`, excluded);
    }
    return fail(c, "no_candidate", excluded.length === 0 ? "No model can serve this request: the catalog has no models" : `No model can serve this request: ${summarize(excluded)}`, excluded);
  }

  const usedIndex = POWER_LEVELS.indexOf(used);

  const notes: string[] = [];
  if (steppedDownToEco) notes.push(`monthly budget ${budget.percent}% spent: stepped down to ECO`);
  if (effects.forcePowerLevel && !steppedDownToEco) notes.push(`rule "${effects.forcePowerLevel.name}" forced ${effects.forcePowerLevel.level}`);
  if (used !== level) notes.push(creditsShortAt ? `served at ${used}: your credits don't cover ${level} (add credits)` : `no usable ${level} model, using ${used}`);

  // A rule's pin becomes the primary when that model survived every filter; otherwise it is ignored.
  let pin = -1;
  if (effects.pinModel) {
    const target = effects.pinModel.model;
    const idx = cat.lookup.get(target) ?? cat.lookupLower.get(target.toLowerCase());
    const pp = idx === undefined ? -1 : cat.providerOf[idx]!;
    const code: ReasonCode = idx === undefined ? REASON.OK : pa.code[pp] !== REASON.OK ? (pa.code[pp]! as ReasonCode) : classify(c, idx, pa.byok[pp] === 1, lc, ch);
    if (idx !== undefined && code === REASON.OK) {
      pin = idx;
      notes.push(`rule "${effects.pinModel.name}" pinned ${cat.models[idx]!.publicId}`);
    } else {
      const why = idx === undefined ? "not in the catalog" : describeReason(code, details(c, idx));
      notes.push(`rule "${effects.pinModel.name}" pin ${target} ignored: ${why}`);
    }
  }

  // Quality floor (the rule pin is exempt).
  const { quality, latencyMs } = cat;
  const qb = qualityBar(pool, count, quality, c.tier);
  if (c.tier && qb.unmet) notes.push(`no ${used} model meets quality ${c.tier} (>= ${QUALITY_FLOOR[c.tier].toFixed(1)}); keeping the best available (${qb.best})`);
  if (qb.bar > 0) {
    let kept = 0;
    for (let k = 0; k < count; k++) {
      const i = pool[k]!;
      if (quality[i]! >= qb.bar || i === pin) pool[kept++] = i;
    }
    count = kept;
  }
  // The pin leads; the rest of the pool is ranked behind it.
  if (pin !== -1) {
    for (let k = 0; k < count; k++) {
      if (pool[k] === pin) {
        pool[k] = pool[--count]!;
        break;
      }
    }
    pool[count] = pin; // normalised with the pool, so its scores are comparable
  }

  // Scores, normalised over the pool (and the pin).
  const taskBonus = cat.taskBonus[TASK_TYPES.indexOf(taskType)]!;
  const nz = makeNormalizer(pool, pin !== -1 ? count + 1 : count, ch, latencyMs);
  const w = c.weights;
  rankPool(c, pool, count, nz, taskBonus, pa);
  const mf = input.maxFallbacks ?? DEFAULT_MAX_FALLBACKS;
  const maxLen = 1 + (Number.isFinite(mf) ? Math.max(0, Math.floor(mf)) : DEFAULT_MAX_FALLBACKS);
  const chainIdx =
    pin !== -1
      ? [pin, ...selectChain(pool, count, rank, cat.priorityOf, cat.idOrder, providerOf, P, maxLen - 1)]
      : selectChain(pool, count, rank, cat.priorityOf, cat.idOrder, providerOf, P, maxLen);
  const candidates: RouteCandidate[] = [];
  for (const i of chainIdx) candidates.push(candidate(c, pa, i, lc[i]!, ch[i]!, nz, taskBonus[i]!));
  const primary = candidates[0]!;
  const primaryProvider = providerOf[chainIdx[0]!]!;

  let reason =
    pin !== -1
      ? `${primary.model} (rule pin)`
      : `${used} pick for ${taskType}${taskTypeInferred ? " (inferred)" : ""}: ${primary.model}, score ${fix2(primary.scores.composite)} (cost ${fix2(primary.scores.cost)}, latency ${fix2(primary.scores.latency)}, quality ${fix2(primary.scores.quality)})`;
  if (primary.byok) reason += c.byokFeeBp > 0 ? `; your BYOK key, charged only the ${c.byokFeeBp / 100}% BYOK fee` : "; your BYOK key, no credits charged";
  else if (primary.free) reason += "; free model";
  if (pa.preferred[primaryProvider]) reason += `; provider preferred by rule "${ruleNameFor(effects, cat.providers[primaryProvider]!, true)}"`;
  if (taskBonus[chainIdx[0]!]! > 0) reason += `; strong at ${taskType}`;
  if (privacy) reason += "; privacy: local models only";
  if (c.sloLimit !== null) reason += `; ${slo}: first token < ${c.sloLimit} ms`;
  for (const note of notes) reason += `; ${note}`;

  const bar = qb.bar;
  let excludedCache: Exclusion[] | null = null;
  const decision: RouteDecision = {
    ok: true,
    primary,
    fallbacks: candidates.slice(1),
    get excluded(): Exclusion[] {
      return (excludedCache ??= materialize(c, provSnap, usedIndex, bar, pin));
    },
    set excluded(value: Exclusion[]) {
      excludedCache = value;
    },
    reason,
    taskType,
    taskTypeInferred,
    requestedPowerLevel: requestedLevel,
    effectivePowerLevel: level,
    usedPowerLevel: pin !== -1 ? primary.powerLevel : used,
    steppedDownToEco,
    creditsShortAt: used !== level ? creditsShortAt : null,
    pinned: false,
    pinnedByRuleId: pin !== -1 ? effects.pinModel!.id : null,
    appliedRuleIds: effects.appliedRuleIds,
    weights: w,
  };
  return decision;
}

/** Passed the filters, passed money, cheapest unaffordable charge: counted across scanned levels. */
const scanStats = new Float64Array(3);

/**
 * Classifies one level's models into `pool` (survivors) and returns how many; providers that
 * failed provider-wide are skipped. Kept small so the engine inlines what it calls.
 */
function scanLevel(c: Ctx, members: Int32Array, pa: ProviderArrays, lc: Float64Array, ch: Float64Array, pool: Int32Array): number {
  const providerOf = c.cat.providerOf;
  const pcode = pa.code;
  const pbyok = pa.byok;
  let count = 0;
  for (let k = 0; k < members.length; k++) {
    const i = members[k]!;
    const p = providerOf[i]!;
    if (pcode[p] !== REASON.OK) continue;
    const code = classify(c, i, pbyok[p] === 1, lc, ch);
    if (code === REASON.OK) pool[count++] = i;
    else if (code >= REASON.BUDGET_EXHAUSTED) {
      scanStats[0]!++;
      if (code === REASON.LATENCY) scanStats[1]!++;
      else if (code === REASON.CREDITS && ch[i]! < scanStats[2]!) scanStats[2] = ch[i]!;
    }
  }
  return count;
}

/** The rank key of every pool member (bonuses included), into `rank`. */
function rankPool(c: Ctx, pool: Int32Array, count: number, nz: Normalizer, taskBonus: Float64Array, pa: ProviderArrays): void {
  const { providerOf, latencyMs, quality } = c.cat;
  const w = c.weights;
  const r = rank;
  const ch = charged;
  for (let k = 0; k < count; k++) {
    const i = pool[k]!;
    const p = providerOf[i]!;
    r[i] = rankKey(rawScore(nz, w, ch[i]!, latencyMs[i]!, quality[i]!, bonusOf(taskBonus[i]!, pa.byok[p] === 1, pa.preferred[p] === 1, pa.success[p]!)));
  }
}

/** Rule exclusion and the provider-wide hard filters, BYOK, preference and health, per provider. */
function computeProviders(c: Ctx, out: ProviderArrays): void {
  const { cat, input, effects } = c;
  markProviders(cat, input.caller.byokProviderIds, out.byok, true);
  markProviders(cat, effects.excludeProviders, out.excluded, false);
  markProviders(cat, effects.preferProviders, out.preferred, false);
  const state: ProviderState = { excludedByRule: null, byok: false, circuitOpen: false };
  for (let p = 0; p < cat.providers.length; p++) {
    const provider = cat.providers[p]!;
    const h = healthOf(input.health, provider);
    out.success[p] = successRateOf(h);
    state.excludedByRule = out.excluded[p] ? ruleNameFor(effects, provider) : null;
    state.byok = out.byok[p] === 1;
    state.circuitOpen = h?.circuitOpen === true;
    out.code[p] = providerFilterCode(provider, state, c.privacy, c.region, cat.providerRegion[p]!);
  }
}

/**
 * Steps 2 (model part), 3 and 5 for model i of a provider that passed the provider-wide checks.
 * Writes its list-price estimate and charged cost into listOut[i] / chargedOut[i].
 */
function classify(c: Ctx, i: number, byok: boolean, listOut: Float64Array, chargedOut: Float64Array): ReasonCode {
  const cat = c.cat;
  const f = cat.flags[i]!;
  let code = modelFilterCode(f, cat.contextTokens[i]!, c.filter);
  if (code !== REASON.OK) return code;
  if (!keyAllows(c, i)) return REASON.KEY_FENCE;
  const cost = costMicrosUnchecked(billablePrompt(c, i), c.maxOutputTokens, cat.promptPrice[i]!, cat.outputPrice[i]!);
  const paid = chargedCostMicros(cost, byok, c.byokFeeBp);
  listOut[i] = cost;
  chargedOut[i] = paid;
  code = maxCostCode(cost, c.maxCostMicros);
  if (code !== REASON.OK) return code;
  code = moneyCode(paid, (f & FLAG_FREE) !== 0, byok, c.available, c.budget);
  if (code !== REASON.OK) return code;
  return latencyCode(cat.latencyMs[i]!, c.sloLimit);
}

function keyAllows(c: Ctx, i: number): boolean {
  const fence = c.input.caller.fence;
  if (!fence) return true;
  const pm = c.cat.models[i]!;
  return fenceAllows(fence, pm.publicId, c.cat.providers[pm.providerIndex]!.slug, pm.src.powerLevel);
}

/** A concrete model id: no scoring, but privacy, key, circuit, context, max cost and money still apply. */
function decidePinned(c: Ctx, index: number, pa: ProviderArrays): RouteResult {
  const cat = c.cat;
  const pm = cat.models[index]!;
  const m = pm.src;
  const pi = pm.providerIndex;
  const provider = cat.providers[pi]!;
  const byok = pa.byok[pi] === 1;
  const f = cat.flags[index]!;
  if (!provider.enabled || !m.enabled) return fail(c, "unknown_model", `Model "${pm.publicId}" is not available`, []);

  const cost = costMicrosUnchecked(billablePrompt(c, index), c.maxOutputTokens, cat.promptPrice[index]!, cat.outputPrice[index]!);
  const paid = chargedCostMicros(cost, byok, c.byokFeeBp);
  let code = pa.code[pi]! as ReasonCode;
  // Region and capability mismatches do not stop a pin: the caller named the model.
  if (code === REASON.REGION) code = REASON.OK;
  if (code === REASON.OK) code = modelFilterCode(f, cat.contextTokens[index]!, { ...PINNED_FILTER, promptTokens: c.promptTokens, maxOutputTokens: c.maxOutputTokens, needJson: c.filter.needJson, embeddings: c.filter.embeddings });
  if (code === REASON.OK && !keyAllows(c, index)) code = REASON.KEY_FENCE;
  if (code === REASON.OK) code = maxCostCode(cost, c.maxCostMicros);
  if (code === REASON.OK) code = moneyCode(paid, (f & FLAG_FREE) !== 0, byok, c.available, c.budget);
  if (code !== REASON.OK) {
    const reason = describeReason(code, details(c, index));
    const ex: Exclusion[] = [{ model: pm.publicId, modelId: m.id, provider: provider.slug, step: stepOf(code), reason }];
    if (code === REASON.PRIVACY_CLOUD) return fail(c, "privacy_no_local_model", `Pinned model ${pm.publicId} is not local and privacy_required forbids cloud providers`, ex);
    if (code === REASON.CONTEXT) return contextFailure(c, cat.contextTokens[index]!, ex);
    if (code === REASON.NO_JSON || code === REASON.EMBEDDINGS_ONLY || code === REASON.NOT_EMBEDDINGS) return fail(c, "unsupported_by_model", `Model ${pm.publicId} cannot serve this request: ${reason}`, ex);
    const failCode: RouteFailureCode = code === REASON.BUDGET_EXHAUSTED ? "budget_exhausted" : code === REASON.CREDITS ? "insufficient_credits" : "no_candidate";
    return fail(c, failCode, `Pinned model ${pm.publicId} cannot serve this request: ${reason}`, ex);
  }

  const nz: Normalizer = { logMin: 0, logSpan: 0, minLatency: 0, latencySpan: 0 };
  const primary = candidate(c, pa, index, cost, paid, nz, cat.taskBonus[TASK_TYPES.indexOf(c.taskType)]![index]!);
  const extra = primary.byok ? (c.byokFeeBp > 0 ? `your BYOK key, charged only the ${c.byokFeeBp / 100}% BYOK fee` : "your BYOK key, no credits charged") : primary.free ? "free model" : `estimated ${formatMicros(paid)}`;
  return {
    ok: true,
    primary,
    fallbacks: [],
    excluded: [],
    reason: `pinned ${pm.publicId} (no routing); ${extra}`,
    taskType: c.taskType,
    taskTypeInferred: c.taskTypeInferred,
    requestedPowerLevel: c.requestedLevel,
    effectivePowerLevel: m.powerLevel,
    usedPowerLevel: m.powerLevel,
    steppedDownToEco: false,
    creditsShortAt: null,
    pinned: true,
    pinnedByRuleId: null,
    appliedRuleIds: c.effects.appliedRuleIds,
    weights: c.weights,
  };
}

/**
 * A pin skips the vision and tools checks (and region, above): the caller named the model. Context,
 * max cost, the kind of model (chat or embeddings) and JSON output still apply: a model that
 * cannot do those would fail upstream or, worse, answer in prose to a parser.
 */
const PINNED_FILTER: HardFilterContext = {
  privacyRequired: false,
  promptTokens: 0,
  maxOutputTokens: 0,
  needVision: false,
  needTools: false,
  needJson: false,
  embeddings: false,
  region: null,
  maxCostMicros: null,
};

function candidate(c: Ctx, pa: ProviderArrays, i: number, listCostMicros: number, chargedMicros: number, nz: Normalizer, taskBonus: number): RouteCandidate {
  const cat = c.cat;
  const pm = cat.models[i]!;
  const m = pm.src;
  const pi = pm.providerIndex;
  const p = cat.providers[pi]!;
  const byok = pa.byok[pi] === 1;
  return {
    model: pm.publicId,
    modelId: m.id,
    modelName: m.name,
    upstreamId: m.upstreamId,
    provider: p.slug,
    providerId: p.id,
    powerLevel: m.powerLevel,
    estimatedCostMicros: chargedMicros,
    providerCostMicros: listCostMicros,
    byok,
    free: (cat.flags[i]! & FLAG_FREE) !== 0,
    latencyMs: m.latencyMs,
    quality: m.quality,
    contextTokens: m.contextTokens,
    scores: scoresOf(nz, c.weights, chargedMicros, cat.latencyMs[i]!, cat.quality[i]!, bonusOf(taskBonus, byok, pa.preferred[pi] === 1, pa.success[pi]!)),
  };
}

/**
 * Every excluded model with its reason, in canonical order, worked out again with the same
 * functions from the decision's own facts: `provSnap` holds each provider's code | BYOK << 7;
 * `usedLevel` / `bar` / `pin` describe the quality floor applied (usedLevel -1: none).
 * Equal reasons share one string (most differ only by provider, context size or latency).
 */
function materialize(c: Ctx, provSnap: readonly number[], usedLevel: number, bar: number, pin: number): Exclusion[] {
  const cat = c.cat;
  const P = cat.providers.length;
  if (spareCost.length < cat.models.length) spareCost = new Float64Array(cat.models.length * 2);
  const lc = spareCost;
  const ch = spareCost; // classify writes both; only its code is needed here
  const d = emptyDetails();
  const memo: (Map<number, string> | undefined)[] = [];
  const out: Exclusion[] = [];
  for (let p = 0; p < P; p++) {
    const pcode = (provSnap[p]! & 127) as ReasonCode;
    const byok = provSnap[p]! >> 7 === 1;
    const start = cat.providerStart[p]!;
    const end = cat.providerStart[p + 1]!;
    if (start === end) continue;
    const slug = cat.providers[p]!.slug;
    if (pcode !== REASON.OK) {
      // One provider-wide reason for all its models.
      const step = stepOf(pcode);
      const reason = describeReason(pcode, fillDetails(d, c, start));
      for (let i = start; i < end; i++) out.push({ model: cat.models[i]!.publicId, modelId: cat.models[i]!.src.id, provider: slug, step, reason });
      continue;
    }
    for (let i = start; i < end; i++) {
      let code = classify(c, i, byok, lc, ch);
      if (code === REASON.OK && cat.levelOf[i] === usedLevel && cat.quality[i]! < bar && i !== pin) code = REASON.QUALITY;
      if (code === REASON.OK) continue;
      // The one number a model-level reason depends on, besides the request.
      const key = code === REASON.CONTEXT ? cat.contextTokens[i]! : code === REASON.LATENCY ? cat.latencyMs[i]! : code === REASON.QUALITY ? cat.quality[i]! : code === REASON.MAX_COST || code === REASON.CREDITS ? lc[i]! : 0;
      const seen = (memo[code] ??= new Map());
      let reason = seen.get(key);
      if (reason === undefined) {
        reason = describeReason(code, fillDetails(d, c, i));
        seen.set(key, reason);
      }
      const pm = cat.models[i]!;
      out.push({ model: pm.publicId, modelId: pm.src.id, provider: slug, step: stepOf(code), reason });
    }
  }
  return out;
}

/**
 * The most prompt tokens model i's provider can bill for this request: the bound, but never more
 * than the context window (a provider refuses a longer prompt rather than bill it), and never
 * less than the estimate.
 */
function billablePrompt(c: Ctx, i: number): number {
  const window = c.cat.contextTokens[i]!;
  return c.promptBound < window ? c.promptBound : window;
}

/** Everything a reason about model i may mention. */
function details(c: Ctx, i: number): ReasonDetails {
  return fillDetails(emptyDetails(), c, i);
}

function fillDetails(d: ReasonDetails, c: Ctx, i: number): ReasonDetails {
  const cat = c.cat;
  const p = cat.providers[cat.providerOf[i]!]!;
  d.providerSlug = p.slug;
  d.providerRegion = p.region;
  d.ruleName = ruleNameFor(c.effects, p);
  d.contextTokens = cat.contextTokens[i]!;
  d.neededTokens = c.promptTokens + c.maxOutputTokens;
  d.region = c.region;
  // The estimate the max-cost and credit checks compared (credits never fail a BYOK model).
  d.costMicros = costMicrosUnchecked(billablePrompt(c, i), c.maxOutputTokens, cat.promptPrice[i]!, cat.outputPrice[i]!);
  d.maxCostMicros = c.maxCostMicros;
  d.availableMicros = c.available;
  d.latencyMs = cat.latencyMs[i]!;
  d.latencySlo = c.slo;
  d.latencyLimitMs = c.sloLimit;
  d.quality = cat.quality[i]!;
  d.qualityTier = c.tier;
  d.qualityFloor = c.tier ? QUALITY_FLOOR[c.tier] : 0;
  return d;
}

/** The name of the rule that excluded (or, with `preferred`, preferred) the provider. */
function ruleNameFor(effects: RuleEffects, p: RouterProvider, preferred = false): string {
  const map = preferred ? effects.preferProviders : effects.excludeProviders;
  return (map.get(p.id) ?? map.get(p.slug))?.name ?? "?";
}

function fail(c: Ctx, code: RouteFailureCode, message: string, excluded: Exclusion[]): RouteFailure {
  return {
    ok: false,
    code,
    status: FAILURE_HTTP_STATUS[code],
    message,
    excluded,
    taskType: c.taskType,
    requestedPowerLevel: c.requestedLevel,
    effectivePowerLevel: c.level,
    steppedDownToEco: c.steppedDownToEco,
    appliedRuleIds: c.effects.appliedRuleIds,
  };
}

/**
 * The largest context window of any enabled model of an enabled provider, whatever its health or
 * keys: when even that is too small the request itself is too long (a 400); otherwise a window
 * exists and the failure is the providers' (a 503). Only read on the failure path.
 */
function largestWindow(cat: PreparedCatalog): number {
  let max = 0;
  for (let i = 0; i < cat.models.length; i++) {
    const f = cat.flags[i]!;
    if (f & FLAG_INVALID || !(f & FLAG_ENABLED) || !cat.providers[cat.providerOf[i]!]!.enabled) continue;
    if (cat.contextTokens[i]! > max) max = cat.contextTokens[i]!;
  }
  return max;
}

/**
 * No usable model's context window holds the prompt plus max_tokens: the request itself is too
 * long (OpenAI answers this with 400 context_length_exceeded), not a provider problem.
 */
function contextFailure(c: Ctx, largestWindow: number, excluded: Exclusion[]): RouteFailure {
  const needed = c.promptTokens + c.maxOutputTokens;
  return fail(
    c,
    "context_length_exceeded",
    `The largest context window available is ${largestWindow} tokens, but this request needs about ${needed} (${c.promptTokens} in the messages, ${c.maxOutputTokens} for the completion). Shorten the messages or lower max_tokens.`,
    excluded,
  );
}

function summarize(excluded: readonly Exclusion[]): string {
  const shown = excluded.slice(0, MESSAGE_EXCLUSIONS).map((e) => `${e.model} (${e.reason})`);
  const more = excluded.length - shown.length;
  return shown.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

function fix2(v: number): string {
  return v.toFixed(2);
}

function toCount(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.ceil(n) : 0;
}
