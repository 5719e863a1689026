/**
 * decideRoute: the whole routing decision, pure and deterministic. The input becomes the
 * decision's facts (context.ts: admin rules, budget step-down, task type); a concrete model id is
 * checked on its own; otherwise power levels are scanned in fallback order until one has usable
 * models (hard filters, the key's fence, money, latency SLO), and that pool is narrowed by a
 * rule's pin and the quality floor, ranked, and read off best first as the chain.
 *
 * Speed: the catalog is read from typed arrays (catalog.ts) and a decision works in preallocated
 * scratch (scratch.ts); a provider that fails a provider-wide check is skipped with all its
 * models; the chain is selected without sorting; `excluded` is worked out again, with text, only
 * when it is read (explain.ts), with the same checks, so it always agrees.
 */
import type { PreparedCatalog } from "./catalog.ts";
import { FLAG_ENABLED, FLAG_FREE, FLAG_INVALID } from "./catalog.ts";
import type { RouteContext } from "./context.ts";
import { billablePrompt, buildContext, classifyModel, keyAllows } from "./context.ts";
import { costMicrosUnchecked, formatMicros } from "./cost.ts";
import { details, materialize, NO_LEVEL, NO_PIN, ruleNameFor, snapshotProviders, summarize } from "./explain.ts";
import type { HardFilterContext, ProviderState } from "./filters.ts";
import {
  healthOf,
  markProviders,
  maxCostCode,
  modelFilterCode,
  operationCode,
  providerFilterCode,
  successRateOf,
} from "./filters.ts";
import { chargedCostMicros, moneyCode } from "./money.ts";
import type { ReasonCode } from "./reasons.ts";
import { describeReason, REASON, stepOf } from "./reasons.ts";
import type { ProviderArrays, Scratch } from "./scratch.ts";
import { scratchFor } from "./scratch.ts";
import type { Normalizer } from "./score.ts";
import {
  bonusOf,
  qualityBar as findQualityBar,
  makeNormalizer,
  QUALITY_FLOOR,
  rankKey,
  rawScore,
  scoresOf,
  selectChain,
} from "./score.ts";
import type {
  Exclusion,
  PowerLevel,
  RouteCandidate,
  RouteDecision,
  RouteFailure,
  RouteFailureCode,
  RouteInput,
  RouteResult,
} from "./types.ts";
import { FAILURE_HTTP_STATUS, POWER_LEVELS } from "./types.ts";

export { ALIAS_LEVEL, DEFAULT_MAX_FALLBACKS } from "./context.ts";

/** The order levels are tried in when the chosen one has no usable model (cheaper side first for BALANCED). */
export const LEVEL_FALLBACK_ORDER: Readonly<Record<PowerLevel, readonly PowerLevel[]>> = {
  ECO: ["ECO", "BALANCED", "PRECISION"],
  BALANCED: ["BALANCED", "ECO", "PRECISION"],
  PRECISION: ["PRECISION", "BALANCED", "ECO"],
};

export function decideRoute(input: RouteInput): RouteResult {
  const ctx = buildContext(input);
  const scratch = scratchFor(ctx.catalog.models.length, ctx.catalog.providers.length);
  checkProviders(ctx, scratch.providerArrays);
  if (ctx.pinnedModel !== null) return decidePinned(ctx, ctx.pinnedModel, scratch.providerArrays);

  const used = scanLevels(ctx, scratch);
  const providerSnapshot = snapshotProviders(scratch.providerArrays, ctx.catalog.providers.length);
  if (used === null) return noUsableModel(ctx, scratch, materialize(ctx, providerSnapshot, NO_LEVEL, 0, NO_PIN));

  const notes = levelNotes(ctx, used, scratch.creditsShortAt);
  const pin = rulePin(ctx, scratch, notes);
  const qualityBar = applyQualityFloor(ctx, scratch, used, pin, notes);
  const normalizer = rankPool(ctx, scratch, pin);
  const chain = rankChain(ctx, scratch, pin);
  const candidates = candidatesOf(ctx, scratch, chain, normalizer);
  const reason = reasonFor(ctx, scratch.providerArrays, used, chain[0]!, candidates[0]!, pin, notes);
  return routed(ctx, scratch, used, pin, candidates, reason, providerSnapshot, qualityBar);
}

/** Rule exclusion and the provider-wide hard filters, BYOK, preference and health, per provider. */
function checkProviders(ctx: RouteContext, providerArrays: ProviderArrays): void {
  const { catalog, input, ruleEffects } = ctx;
  markProviders(catalog, input.caller.byokProviderIds, providerArrays.byok, true);
  markProviders(catalog, ruleEffects.excludeProviders, providerArrays.excluded, false);
  markProviders(catalog, ruleEffects.preferProviders, providerArrays.preferred, false);
  const state: ProviderState = { excludedByRule: null, byok: false, circuitOpen: false };
  for (let p = 0; p < catalog.providers.length; p++) {
    const provider = catalog.providers[p]!;
    const health = healthOf(input.health, provider);
    providerArrays.successRate[p] = successRateOf(health);
    state.excludedByRule = providerArrays.excluded[p] ? ruleNameFor(ruleEffects, provider) : null;
    state.byok = providerArrays.byok[p] === 1;
    state.circuitOpen = health?.circuitOpen === true;
    providerArrays.code[p] = providerFilterCode(
      provider,
      state,
      ctx.privacyRequired,
      ctx.region,
      catalog.providerRegion[p]!,
    );
  }
}

/** A concrete model id: no scoring, but privacy, the key's fence, circuit, context, max cost and money still apply. */
function decidePinned(ctx: RouteContext, pinnedModel: string, providerArrays: ProviderArrays): RouteResult {
  const { catalog } = ctx;
  const model = catalog.lookup.get(pinnedModel) ?? catalog.lookupLower.get(pinnedModel.toLowerCase());
  if (model === undefined) return fail(ctx, "unknown_model", `Unknown model "${pinnedModel}": not in the catalog`, []);
  const prepared = catalog.models[model]!;
  const providerIndex = prepared.providerIndex;
  const byok = providerArrays.byok[providerIndex] === 1;
  if (!catalog.providers[providerIndex]!.enabled || !prepared.src.enabled)
    return fail(ctx, "unknown_model", `Model "${prepared.publicId}" is not available`, []);

  const listCostMicros = costMicrosUnchecked(
    billablePrompt(ctx, model),
    ctx.maxOutputTokens,
    catalog.promptPrice[model]!,
    catalog.outputPrice[model]!,
  );
  const chargedMicros = chargedCostMicros(listCostMicros, byok, ctx.byokFeeBasisPoints);
  const code = pinnedModelCode(
    ctx,
    model,
    providerArrays.code[providerIndex]! as ReasonCode,
    byok,
    listCostMicros,
    chargedMicros,
  );
  if (code !== REASON.OK) return pinnedFailure(ctx, model, code);

  const primary = candidate(ctx, providerArrays, model, listCostMicros, chargedMicros, LONE_PIN);
  const cost = primary.byok ? byokNote(ctx) : primary.free ? "free model" : `estimated ${formatMicros(chargedMicros)}`;
  const level = prepared.src.powerLevel;
  return {
    ok: true,
    primary,
    fallbacks: [],
    excluded: [],
    reason: `pinned ${prepared.publicId} (no routing); ${cost}`,
    taskType: ctx.taskType,
    taskTypeInferred: ctx.taskTypeInferred,
    requestedPowerLevel: ctx.requestedLevel,
    effectivePowerLevel: level,
    usedPowerLevel: level,
    steppedDownToEco: false,
    creditsShortAt: null,
    pinned: true,
    pinnedByRuleId: null,
    appliedRuleIds: ctx.ruleEffects.appliedRuleIds,
    weights: ctx.weights,
  };
}

/** Region and capability mismatches do not stop a pin: the caller named the model. */
function pinnedModelCode(
  ctx: RouteContext,
  model: number,
  providerCode: ReasonCode,
  byok: boolean,
  listCostMicros: number,
  chargedMicros: number,
): ReasonCode {
  const { catalog } = ctx;
  const flags = catalog.flags[model]!;
  let code: ReasonCode = providerCode === REASON.REGION ? REASON.OK : providerCode;
  if (code === REASON.OK)
    code = modelFilterCode(flags, catalog.contextTokens[model]!, {
      ...PINNED_FILTER,
      promptTokens: ctx.promptTokens,
      maxOutputTokens: ctx.maxOutputTokens,
      needJson: ctx.filter.needJson,
      embeddings: ctx.filter.embeddings,
    });
  if (code === REASON.OK && !keyAllows(ctx, model)) code = REASON.KEY_FENCE;
  if (code === REASON.OK) code = maxCostCode(listCostMicros, ctx.maxCostMicros);
  if (code === REASON.OK)
    code = moneyCode(chargedMicros, (flags & FLAG_FREE) !== 0, byok, ctx.availableMicros, ctx.budget);
  return code;
}

function pinnedFailure(ctx: RouteContext, model: number, code: ReasonCode): RouteFailure {
  const { catalog } = ctx;
  const prepared = catalog.models[model]!;
  const reason = describeReason(code, details(ctx, model));
  const excluded: Exclusion[] = [
    {
      model: prepared.publicId,
      modelId: prepared.src.id,
      provider: catalog.providers[prepared.providerIndex]!.slug,
      step: stepOf(code),
      reason,
    },
  ];
  if (code === REASON.PRIVACY_CLOUD)
    return fail(
      ctx,
      "privacy_no_local_model",
      `Pinned model ${prepared.publicId} is not local and privacy_required forbids cloud providers`,
      excluded,
    );
  if (code === REASON.CONTEXT) return contextFailure(ctx, catalog.contextTokens[model]!, excluded);
  if (code === REASON.NO_JSON || code === REASON.EMBEDDINGS_ONLY || code === REASON.NOT_EMBEDDINGS)
    return fail(
      ctx,
      "unsupported_by_model",
      `Model ${prepared.publicId} cannot serve this request: ${reason}`,
      excluded,
    );
  const failure: RouteFailureCode =
    code === REASON.BUDGET_EXHAUSTED
      ? "budget_exhausted"
      : code === REASON.CREDITS
        ? "insufficient_credits"
        : "no_candidate";
  return fail(ctx, failure, `Pinned model ${prepared.publicId} cannot serve this request: ${reason}`, excluded);
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

/** A pinned model is compared with nothing: spans of 0 score it 1 on cost and latency. */
const LONE_PIN: Normalizer = { logMin: 0, logSpan: 0, minLatency: 0, latencySpan: 0 };

/**
 * Levels in fallback order until one has usable models, which fill the pool; that level, or null
 * when none has. Also records, for the failure message and the level note, what the scan saw.
 */
function scanLevels(ctx: RouteContext, scratch: Scratch): PowerLevel | null {
  scratch.passedFilters = 0;
  scratch.passedMoney = 0;
  scratch.cheapestUnaffordableMicros = Infinity;
  scratch.creditsShortAt = null;
  const asked = ctx.effectiveLevel;
  for (const level of LEVEL_FALLBACK_ORDER[asked]) {
    scratch.poolSize = scanLevel(ctx, scratch, ctx.catalog.levelMembers[POWER_LEVELS.indexOf(level)]!);
    if (scratch.poolSize > 0) return level;
    if (level === asked && scratch.passedFilters > 0 && scratch.passedMoney === 0 && !ctx.budget.exhausted)
      scratch.creditsShortAt = asked;
  }
  return null;
}

/**
 * One level's usable models, in canonical order, into the pool; how many. Models of a provider
 * that failed provider-wide are skipped unread. Kept small so the engine inlines what it calls.
 */
function scanLevel(ctx: RouteContext, scratch: Scratch, members: Int32Array): number {
  const providerOf = ctx.catalog.providerOf;
  const { code: providerCode, byok } = scratch.providerArrays;
  const { listCostMicros, chargedMicros, pool } = scratch;
  let size = 0;
  let passedFilters = 0;
  let passedMoney = 0;
  let cheapestUnaffordable = scratch.cheapestUnaffordableMicros;
  for (let k = 0; k < members.length; k++) {
    const i = members[k]!;
    const p = providerOf[i]!;
    if (providerCode[p] !== REASON.OK) continue;
    const code = classifyModel(ctx, i, byok[p] === 1, listCostMicros, chargedMicros);
    if (code === REASON.OK) pool[size++] = i;
    else if (code >= REASON.BUDGET_EXHAUSTED) {
      passedFilters++;
      if (code === REASON.LATENCY) passedMoney++;
      else if (code === REASON.CREDITS && chargedMicros[i]! < cheapestUnaffordable)
        cheapestUnaffordable = chargedMicros[i]!;
    }
  }
  scratch.passedFilters += passedFilters;
  scratch.passedMoney += passedMoney;
  scratch.cheapestUnaffordableMicros = cheapestUnaffordable;
  return size;
}

/** No level had a usable model: the most telling reason, tried in order — too long, money, privacy, the exclusions. */
function noUsableModel(ctx: RouteContext, scratch: Scratch, excluded: Exclusion[]): RouteFailure {
  const window = largestWindow(ctx.catalog, ctx.filter);
  if (!ctx.privacyRequired && window > 0 && window < ctx.promptTokens + ctx.maxOutputTokens)
    return contextFailure(ctx, window, excluded);
  if (scratch.passedFilters > 0 && scratch.passedMoney === 0) {
    if (ctx.budget.exhausted) {
      const why =
        ctx.input.caller.budget?.monthlyBudgetMicros === 0
          ? "Your monthly budget is $0, which allows no paid requests,"
          : `Monthly budget exhausted (${ctx.budget.percent ?? 100}% spent)`;
      return fail(ctx, "budget_exhausted", `${why} and no free or BYOK model can serve this request`, excluded);
    }
    return fail(
      ctx,
      "insufficient_credits",
      `Not enough credits: the cheapest eligible model needs ${formatMicros(scratch.cheapestUnaffordableMicros)}, available ${formatMicros(Math.max(0, ctx.availableMicros))}`,
      excluded,
    );
  }
  if (ctx.privacyRequired) {
    const local = excluded.filter((e) => e.step !== "filter" || !e.reason.startsWith("privacy required"));
    const detail = local.length > 0 ? `: ${summarize(local)}` : "";
    return fail(
      ctx,
      "privacy_no_local_model",
      `No local model is available and privacy_required forbids cloud providers${detail}`,
      excluded,
    );
  }
  return fail(
    ctx,
    "no_candidate",
    excluded.length === 0
      ? "No model can serve this request: the catalog has no models"
      : `No model can serve this request: ${summarize(excluded)}`,
    excluded,
  );
}

/** Why the level routed at differs from the one asked for, when it does. */
function levelNotes(ctx: RouteContext, used: PowerLevel, creditsShortAt: PowerLevel | null): string[] {
  const notes: string[] = [];
  const forced = ctx.ruleEffects.forcePowerLevel;
  if (ctx.steppedDownToEco) notes.push(`monthly budget ${ctx.budget.percent}% spent: stepped down to ECO`);
  if (forced && !ctx.steppedDownToEco) notes.push(`rule "${forced.name}" forced ${forced.level}`);
  if (used !== ctx.effectiveLevel)
    notes.push(
      creditsShortAt
        ? `served at ${used}: your credits don't cover ${ctx.effectiveLevel} (add credits)`
        : `no usable ${ctx.effectiveLevel} model, using ${used}`,
    );
  return notes;
}

/**
 * A rule's pin becomes the primary when that model passed every check (at any level); otherwise
 * it is ignored, and a note says why. The pinned model's index, or NO_PIN.
 */
function rulePin(ctx: RouteContext, scratch: Scratch, notes: string[]): number {
  const pinRule = ctx.ruleEffects.pinModel;
  if (!pinRule) return NO_PIN;
  const { catalog } = ctx;
  const model = catalog.lookup.get(pinRule.model) ?? catalog.lookupLower.get(pinRule.model.toLowerCase());
  if (model === undefined) {
    notes.push(`rule "${pinRule.name}" pin ${pinRule.model} ignored: not in the catalog`);
    return NO_PIN;
  }
  const providerIndex = catalog.providerOf[model]!;
  const { providerArrays } = scratch;
  const providerCode = providerArrays.code[providerIndex]! as ReasonCode;
  const code =
    providerCode !== REASON.OK
      ? providerCode
      : classifyModel(
          ctx,
          model,
          providerArrays.byok[providerIndex] === 1,
          scratch.listCostMicros,
          scratch.chargedMicros,
        );
  if (code !== REASON.OK) {
    notes.push(`rule "${pinRule.name}" pin ${pinRule.model} ignored: ${describeReason(code, details(ctx, model))}`);
    return NO_PIN;
  }
  notes.push(`rule "${pinRule.name}" pinned ${catalog.models[model]!.publicId}`);
  return model;
}

/**
 * Cuts the pool at the tier's quality floor, or at the best quality available when nothing
 * reaches it (a rule's pin is exempt). The bar applied; 0 for none.
 */
function applyQualityFloor(
  ctx: RouteContext,
  scratch: Scratch,
  used: PowerLevel,
  pin: number,
  notes: string[],
): number {
  const { pool } = scratch;
  const quality = ctx.catalog.quality;
  const tier = ctx.qualityTier;
  const found = findQualityBar(pool, scratch.poolSize, quality, tier);
  if (tier && found.unmet)
    notes.push(
      `no ${used} model meets quality ${tier} (>= ${QUALITY_FLOOR[tier].toFixed(1)}); keeping the best available (${found.best})`,
    );
  if (found.bar > 0) {
    let kept = 0;
    for (let k = 0; k < scratch.poolSize; k++) {
      const i = pool[k]!;
      if (quality[i]! >= found.bar || i === pin) pool[kept++] = i;
    }
    scratch.poolSize = kept;
  }
  return found.bar;
}

/**
 * Takes a rule's pin out of the ranked pool and keeps it just behind, so the scores' normalizer
 * spans it too and its scores compare with the rest; then the rank key of every pool member.
 */
function rankPool(ctx: RouteContext, scratch: Scratch, pin: number): Normalizer {
  const { pool, rankKeys, chargedMicros } = scratch;
  const { providerOf, latencyMs, quality } = ctx.catalog;
  const { byok, preferred, successRate } = scratch.providerArrays;
  let size = scratch.poolSize;
  if (pin !== NO_PIN) {
    for (let k = 0; k < size; k++) {
      if (pool[k] === pin) {
        pool[k] = pool[--size]!;
        break;
      }
    }
    pool[size] = pin;
    scratch.poolSize = size;
  }
  const normalizer = makeNormalizer(pool, pin !== NO_PIN ? size + 1 : size, chargedMicros, latencyMs);
  const { weights, taskBonus } = ctx;
  for (let k = 0; k < size; k++) {
    const i = pool[k]!;
    const p = providerOf[i]!;
    rankKeys[i] = rankKey(
      rawScore(
        normalizer,
        weights,
        chargedMicros[i]!,
        latencyMs[i]!,
        quality[i]!,
        bonusOf(taskBonus[i]!, byok[p] === 1, preferred[p] === 1, successRate[p]!),
      ),
    );
  }
  return normalizer;
}

/** The chain's model indices, best first: a rule's pin, then the ranked pool (see selectChain). */
function rankChain(ctx: RouteContext, scratch: Scratch, pin: number): number[] {
  const { catalog } = ctx;
  const lead = pin === NO_PIN ? 0 : 1;
  const ranked = selectChain(
    scratch.pool,
    scratch.poolSize,
    scratch.rankKeys,
    catalog.priorityOf,
    catalog.idOrder,
    catalog.providerOf,
    catalog.providers.length,
    ctx.chainLength - lead,
  );
  return pin === NO_PIN ? ranked : [pin, ...ranked];
}

function candidatesOf(
  ctx: RouteContext,
  scratch: Scratch,
  chain: readonly number[],
  normalizer: Normalizer,
): RouteCandidate[] {
  const candidates: RouteCandidate[] = [];
  for (const i of chain)
    candidates.push(
      candidate(ctx, scratch.providerArrays, i, scratch.listCostMicros[i]!, scratch.chargedMicros[i]!, normalizer),
    );
  return candidates;
}

function candidate(
  ctx: RouteContext,
  providerArrays: ProviderArrays,
  model: number,
  listCostMicros: number,
  chargedMicros: number,
  normalizer: Normalizer,
): RouteCandidate {
  const { catalog } = ctx;
  const prepared = catalog.models[model]!;
  const src = prepared.src;
  const providerIndex = prepared.providerIndex;
  const provider = catalog.providers[providerIndex]!;
  const byok = providerArrays.byok[providerIndex] === 1;
  const bonus = bonusOf(
    ctx.taskBonus[model]!,
    byok,
    providerArrays.preferred[providerIndex] === 1,
    providerArrays.successRate[providerIndex]!,
  );
  return {
    model: prepared.publicId,
    modelId: src.id,
    modelName: src.name,
    upstreamId: src.upstreamId,
    provider: provider.slug,
    providerId: provider.id,
    powerLevel: src.powerLevel,
    estimatedCostMicros: chargedMicros,
    providerCostMicros: listCostMicros,
    byok,
    free: (catalog.flags[model]! & FLAG_FREE) !== 0,
    latencyMs: src.latencyMs,
    quality: src.quality,
    contextTokens: src.contextTokens,
    scores: scoresOf(normalizer, ctx.weights, chargedMicros, catalog.latencyMs[model]!, catalog.quality[model]!, bonus),
  };
}

/** The X-Routing-Reason text: what was picked and why, then every note. */
function reasonFor(
  ctx: RouteContext,
  providerArrays: ProviderArrays,
  used: PowerLevel,
  primaryModel: number,
  primary: RouteCandidate,
  pin: number,
  notes: readonly string[],
): string {
  const { catalog, taskType } = ctx;
  const scores = primary.scores;
  let reason =
    pin !== NO_PIN
      ? `${primary.model} (rule pin)`
      : `${used} pick for ${taskType}${ctx.taskTypeInferred ? " (inferred)" : ""}: ${primary.model}, score ${fix2(scores.composite)} (cost ${fix2(scores.cost)}, latency ${fix2(scores.latency)}, quality ${fix2(scores.quality)})`;
  if (primary.byok) reason += `; ${byokNote(ctx)}`;
  else if (primary.free) reason += "; free model";
  const primaryProvider = catalog.providerOf[primaryModel]!;
  if (providerArrays.preferred[primaryProvider])
    reason += `; provider preferred by rule "${ruleNameFor(ctx.ruleEffects, catalog.providers[primaryProvider]!, true)}"`;
  if (ctx.taskBonus[primaryModel]! > 0) reason += `; strong at ${taskType}`;
  if (ctx.privacyRequired) reason += "; privacy: local models only";
  if (ctx.latencyLimitMs !== null) reason += `; ${ctx.latencySlo}: first token < ${ctx.latencyLimitMs} ms`;
  for (const note of notes) reason += `; ${note}`;
  return reason;
}

function byokNote(ctx: RouteContext): string {
  return ctx.byokFeeBasisPoints > 0
    ? `your BYOK key, charged only the ${ctx.byokFeeBasisPoints / 100}% BYOK fee`
    : "your BYOK key, no credits charged";
}

/**
 * The decision. `excluded` is listed on first read (an own enumerable property, so JSON and
 * spreads include it) from the context and the copied provider facts, never from the scratch.
 */
function routed(
  ctx: RouteContext,
  scratch: Scratch,
  used: PowerLevel,
  pin: number,
  candidates: RouteCandidate[],
  reason: string,
  providerSnapshot: readonly number[],
  qualityBar: number,
): RouteDecision {
  const primary = candidates[0]!;
  const usedLevel = POWER_LEVELS.indexOf(used);
  let excluded: Exclusion[] | null = null;
  return {
    ok: true,
    primary,
    fallbacks: candidates.slice(1),
    get excluded(): Exclusion[] {
      return (excluded ??= materialize(ctx, providerSnapshot, usedLevel, qualityBar, pin));
    },
    set excluded(value: Exclusion[]) {
      excluded = value;
    },
    reason,
    taskType: ctx.taskType,
    taskTypeInferred: ctx.taskTypeInferred,
    requestedPowerLevel: ctx.requestedLevel,
    effectivePowerLevel: ctx.effectiveLevel,
    usedPowerLevel: pin !== NO_PIN ? primary.powerLevel : used,
    steppedDownToEco: ctx.steppedDownToEco,
    creditsShortAt: used !== ctx.effectiveLevel ? scratch.creditsShortAt : null,
    pinned: false,
    pinnedByRuleId: pin !== NO_PIN ? ctx.ruleEffects.pinModel!.id : null,
    appliedRuleIds: ctx.ruleEffects.appliedRuleIds,
    weights: ctx.weights,
  };
}

function fail(ctx: RouteContext, code: RouteFailureCode, message: string, excluded: Exclusion[]): RouteFailure {
  return {
    ok: false,
    code,
    status: FAILURE_HTTP_STATUS[code],
    message,
    excluded,
    taskType: ctx.taskType,
    requestedPowerLevel: ctx.requestedLevel,
    effectivePowerLevel: ctx.effectiveLevel,
    steppedDownToEco: ctx.steppedDownToEco,
    appliedRuleIds: ctx.ruleEffects.appliedRuleIds,
  };
}

/**
 * The largest context window of any enabled model of an enabled provider that does this kind of
 * work (chat or embeddings), whatever its health or keys: when even that is too small the request
 * itself is too long (a 400); otherwise a window exists and the failure is the providers' (a 503).
 * Only read on the failure path.
 */
function largestWindow(catalog: PreparedCatalog, filter: HardFilterContext): number {
  let max = 0;
  for (let i = 0; i < catalog.models.length; i++) {
    const flags = catalog.flags[i]!;
    if (
      flags & FLAG_INVALID ||
      !(flags & FLAG_ENABLED) ||
      !catalog.providers[catalog.providerOf[i]!]!.enabled ||
      operationCode(flags, filter) !== REASON.OK
    )
      continue;
    if (catalog.contextTokens[i]! > max) max = catalog.contextTokens[i]!;
  }
  return max;
}

/**
 * No usable model's context window holds the prompt plus max_tokens: the request itself is too
 * long (OpenAI answers this with 400 context_length_exceeded), not a provider problem.
 */
function contextFailure(ctx: RouteContext, largestWindow: number, excluded: Exclusion[]): RouteFailure {
  const needed = ctx.promptTokens + ctx.maxOutputTokens;
  return fail(
    ctx,
    "context_length_exceeded",
    `The largest context window available is ${largestWindow} tokens, but this request needs about ${needed} (${ctx.promptTokens} in the messages, ${ctx.maxOutputTokens} for the completion). Shorten the messages or lower max_tokens.`,
    excluded,
  );
}

function fix2(score: number): string {
  return score.toFixed(2);
}
