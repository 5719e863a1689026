/**
 * What one routing decision knows, worked out once from its input (buildContext), and the
 * per-model check that reads it (classifyModel). The decision and its explanation (explain.ts)
 * both run that check, so an exclusion's reason always agrees with what was decided.
 */
import { DEFAULT_POWER_LEVEL } from "./catalog-defaults.ts";
import type { PreparedCatalog } from "./catalog.ts";
import { FLAG_FREE, isPreparedCatalog, prepareCatalog } from "./catalog.ts";
import { costMicrosUnchecked } from "./cost.ts";
import type { HardFilterContext } from "./filters.ts";
import { fenceAllows, maxCostCode, modelFilterCode } from "./filters.ts";
import { inferTaskType } from "./infer-task.ts";
import { latencyCode, latencyLimitMs } from "./latency.ts";
import type { BudgetState } from "./money.ts";
import { budgetState, chargedCostMicros, moneyCode } from "./money.ts";
import type { ReasonCode } from "./reasons.ts";
import { REASON } from "./reasons.ts";
import type { RuleEffects } from "./rules.ts";
import { applyRules } from "./rules.ts";
import { resolveWeights } from "./score.ts";
import type { LatencySlo, PowerLevel, QualityTier, RouteInput, RoutingWeights, TaskType } from "./types.ts";
import { TASK_TYPES } from "./types.ts";

export const DEFAULT_MAX_FALLBACKS = 5;

/** The routing aliases of `model` (lower-cased) and the level each names (auto: none). */
export const ALIAS_LEVEL: ReadonlyMap<string, PowerLevel | null> = new Map([
  ["auto", null],
  ["eco", "ECO"],
  ["balanced", "BALANCED"],
  ["precision", "PRECISION"],
]);

/**
 * Per-decision facts every phase reads, immutable once built. A decision's lazy `excluded` keeps
 * it, so after decideRoute returns only these fields may be read, never objects inside `input`
 * (health, BYOK list), which the caller may since have changed.
 */
export interface RouteContext {
  catalog: PreparedCatalog;
  input: RouteInput;
  /** The `model` field as given (trimmed) when it names a concrete model rather than an alias. */
  pinnedModel: string | null;
  taskType: TaskType;
  taskTypeInferred: boolean;
  /** Per model index, its bonus for this task type. */
  taskBonus: Float64Array;
  requestedLevel: PowerLevel;
  /** After a rule's force and the budget step-down. */
  effectiveLevel: PowerLevel;
  steppedDownToEco: boolean;
  ruleEffects: RuleEffects;
  budget: BudgetState;
  promptTokens: number;
  /** Upper bound of billable prompt tokens before the context-window cap (Infinity: the window). */
  promptTokensBound: number;
  /** Inputs the bound spans, each held to the window on its own (RouteInput.promptInputs; chat: 1). */
  promptInputs: number;
  maxOutputTokens: number;
  weights: RoutingWeights;
  privacyRequired: boolean;
  /** Lower-cased; null: any. */
  region: string | null;
  maxCostMicros: number | null;
  availableMicros: number;
  /** The platform's fee on BYOK requests, basis points of the list cost. */
  byokFeeBasisPoints: number;
  latencySlo: LatencySlo | null;
  latencyLimitMs: number | null;
  qualityTier: QualityTier | null;
  /** The primary plus at most this many minus one fallbacks. */
  chainLength: number;
  filter: HardFilterContext;
}

export function buildContext(input: RouteInput): RouteContext {
  const catalog = isPreparedCatalog(input.catalog) ? input.catalog : prepareCatalog(input.catalog);
  const { request, caller } = input;
  const promptTokens = toCount(input.promptTokens);
  const maxOutputTokens = toCount(input.maxOutputTokens);
  const bound = input.promptTokensBound;
  const promptTokensBound =
    bound === undefined ? promptTokens : bound === Infinity ? Infinity : Math.max(promptTokens, toCount(bound));

  // An alias sets the level; anything else pins a concrete model.
  const model = (request.model ?? "").trim();
  const lowerModel = model.toLowerCase();
  const pinned = model !== "" && !ALIAS_LEVEL.has(lowerModel);
  const aliasLevel = pinned ? null : (ALIAS_LEVEL.get(lowerModel) ?? null);
  const requestedLevel = aliasLevel ?? request.powerLevel ?? caller.preferredPowerLevel ?? DEFAULT_POWER_LEVEL;
  const taskType: TaskType = request.taskType ?? inferTaskType(request.lastUserText ?? "", promptTokens);
  const privacyRequired = request.privacyRequired === true;

  const ruleEffects = applyRules(input.rules, {
    taskType,
    powerLevel: requestedLevel,
    privacyRequired,
    promptTokens,
    role: caller.role,
    apiKeyId: caller.apiKeyId ?? null,
  });
  // The budget step-down comes after a rule's force: >= 80% of the month's budget spent routes at ECO.
  const budget = budgetState(caller.budget);
  const forcedLevel = ruleEffects.forcePowerLevel?.level ?? requestedLevel;
  const effectiveLevel = budget.stepDown ? "ECO" : forcedLevel;

  const region = request.region ? request.region.trim().toLowerCase() : null;
  const maxCostMicros =
    typeof request.maxCostMicros === "number" && request.maxCostMicros >= 0 ? request.maxCostMicros : null;
  const latencySlo = request.latencySlo ?? null;
  const maxFallbacks = input.maxFallbacks ?? DEFAULT_MAX_FALLBACKS;
  return {
    catalog,
    input,
    pinnedModel: pinned ? model : null,
    taskType,
    taskTypeInferred: !request.taskType,
    taskBonus: catalog.taskBonus[TASK_TYPES.indexOf(taskType)]!,
    requestedLevel,
    effectiveLevel,
    steppedDownToEco: budget.stepDown && forcedLevel !== "ECO",
    ruleEffects,
    budget,
    promptTokens,
    promptTokensBound,
    promptInputs: input.promptInputs !== undefined && input.promptInputs > 1 ? Math.floor(input.promptInputs) : 1,
    maxOutputTokens,
    weights: resolveWeights(effectiveLevel, caller.routingWeights),
    privacyRequired,
    region,
    maxCostMicros,
    availableMicros: Number.isFinite(caller.availableCreditsMicros) ? caller.availableCreditsMicros : 0,
    byokFeeBasisPoints: caller.byokFeeBasisPoints ?? 0,
    latencySlo,
    latencyLimitMs: latencyLimitMs(latencySlo),
    qualityTier: request.quality ?? null,
    chainLength: 1 + (Number.isFinite(maxFallbacks) ? Math.max(0, Math.floor(maxFallbacks)) : DEFAULT_MAX_FALLBACKS),
    filter: {
      privacyRequired,
      promptTokens,
      maxOutputTokens,
      needVision: request.hasImages === true,
      needTools: request.hasTools === true,
      needJson: request.hasResponseFormat === true,
      embeddings: request.operation === "embeddings",
      region,
      maxCostMicros,
    },
  };
}

/**
 * The per-model checks — hard filters, the key's fence, max cost, money, latency — for a model
 * whose provider passed the provider-wide ones: the first reason it is out, or REASON.OK. Writes
 * its list-price estimate and charged cost at the model's index in the two buffers (which may be
 * one and the same when only the code is wanted). Small, so the scan's loop can inline it.
 */
export function classifyModel(
  ctx: RouteContext,
  model: number,
  byok: boolean,
  listCostMicros: Float64Array,
  chargedMicros: Float64Array,
): ReasonCode {
  const catalog = ctx.catalog;
  const flags = catalog.flags[model]!;
  let code = modelFilterCode(flags, catalog.contextTokens[model]!, ctx.filter);
  if (code !== REASON.OK) return code;
  if (!keyAllows(ctx, model)) return REASON.KEY_FENCE;
  const cost = costMicrosUnchecked(
    billablePrompt(ctx, model),
    ctx.maxOutputTokens,
    catalog.promptPrice[model]!,
    catalog.outputPrice[model]!,
  );
  const charged = chargedCostMicros(cost, byok, ctx.byokFeeBasisPoints);
  listCostMicros[model] = cost;
  chargedMicros[model] = charged;
  code = maxCostCode(cost, ctx.maxCostMicros);
  if (code !== REASON.OK) return code;
  code = moneyCode(charged, (flags & FLAG_FREE) !== 0, byok, ctx.availableMicros, ctx.budget);
  if (code !== REASON.OK) return code;
  return latencyCode(catalog.latencyMs[model]!, ctx.latencyLimitMs);
}

export function keyAllows(ctx: RouteContext, model: number): boolean {
  const fence = ctx.input.caller.fence;
  if (!fence) return true;
  const prepared = ctx.catalog.models[model]!;
  return fenceAllows(
    fence,
    prepared.publicId,
    ctx.catalog.providers[prepared.providerIndex]!.slug,
    prepared.src.powerLevel,
  );
}

/**
 * The most prompt tokens the model's provider can bill for this request: the bound, but never more
 * than the context window (a provider refuses a longer prompt rather than bill it) — for each
 * input of an embeddings request — and never less than the estimate.
 */
export function billablePrompt(ctx: RouteContext, model: number): number {
  const window = ctx.catalog.contextTokens[model]! * ctx.promptInputs;
  return ctx.promptTokensBound < window ? ctx.promptTokensBound : window;
}

function toCount(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.ceil(n) : 0;
}
