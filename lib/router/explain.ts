/**
 * Why models were left out, as text. A decision keeps only reason codes while deciding; the text
 * is worked out again here, with the same check (classifyModel) from the decision's own facts,
 * only when a failure needs it or someone reads a decision's `excluded` — formatting hundreds of
 * reasons would cost more than the decision itself.
 */
import type { RouteContext } from "./context.ts";
import { billablePrompt, classifyModel } from "./context.ts";
import { costMicrosUnchecked } from "./cost.ts";
import type { ReasonCode, ReasonDetails } from "./reasons.ts";
import { describeReason, emptyDetails, REASON, stepOf } from "./reasons.ts";
import type { RuleEffects } from "./rules.ts";
import type { ProviderArrays } from "./scratch.ts";
import { explainCostFor } from "./scratch.ts";
import { QUALITY_FLOOR } from "./score.ts";
import type { Exclusion, RouterProvider } from "./types.ts";

/** How many exclusions a failure message lists before "and N more". */
const MESSAGE_EXCLUSIONS = 5;

/** `usedLevel` when no level was routed at, `pin` when no rule pinned a model. */
export const NO_LEVEL = -1;
export const NO_PIN = -1;

/**
 * What `materialize` needs of the per-provider facts, copied: the scratch is reused by the next
 * decision, and health and BYOK inputs may change before `excluded` is read. Per provider:
 * its code | BYOK << 7.
 */
export function snapshotProviders(providerArrays: ProviderArrays, providerCount: number): number[] {
  const snapshot: number[] = new Array<number>(providerCount);
  for (let p = 0; p < providerCount; p++) snapshot[p] = providerArrays.code[p]! | (providerArrays.byok[p]! << 7);
  return snapshot;
}

/**
 * Every excluded model with its reason, in canonical order. `usedLevel` / `qualityBar` / `pin`
 * describe the quality floor the decision applied (usedLevel NO_LEVEL: none). Equal reasons
 * share one string (most differ only by provider, context size or latency).
 */
export function materialize(
  ctx: RouteContext,
  providerSnapshot: readonly number[],
  usedLevel: number,
  qualityBar: number,
  pin: number,
): Exclusion[] {
  const catalog = ctx.catalog;
  // classifyModel writes both costs into this one buffer, so the memo key below reads the charged
  // cost: BYOK models out on max cost (charged 0 with no fee) all get the first one's text. Kept
  // as it was (P11 refactor: same output); separate buffers would fix it.
  const cost = explainCostFor(catalog.models.length);
  const details = emptyDetails();
  const reasonsByCode: (Map<number, string> | undefined)[] = [];
  const out: Exclusion[] = [];
  for (let p = 0; p < catalog.providers.length; p++) {
    const providerCode = (providerSnapshot[p]! & 127) as ReasonCode;
    const byok = providerSnapshot[p]! >> 7 === 1;
    const start = catalog.providerStart[p]!;
    const end = catalog.providerStart[p + 1]!;
    if (start === end) continue;
    const slug = catalog.providers[p]!.slug;
    if (providerCode !== REASON.OK) {
      const step = stepOf(providerCode);
      const reason = describeReason(providerCode, fillDetails(details, ctx, start));
      for (let i = start; i < end; i++)
        out.push({
          model: catalog.models[i]!.publicId,
          modelId: catalog.models[i]!.src.id,
          provider: slug,
          step,
          reason,
        });
      continue;
    }
    for (let i = start; i < end; i++) {
      let code = classifyModel(ctx, i, byok, cost, cost);
      if (code === REASON.OK && catalog.levelOf[i] === usedLevel && catalog.quality[i]! < qualityBar && i !== pin)
        code = REASON.QUALITY;
      if (code === REASON.OK) continue;
      // The one number a model-level reason depends on, besides the request.
      const key =
        code === REASON.CONTEXT
          ? catalog.contextTokens[i]!
          : code === REASON.LATENCY
            ? catalog.latencyMs[i]!
            : code === REASON.QUALITY
              ? catalog.quality[i]!
              : code === REASON.MAX_COST || code === REASON.CREDITS
                ? cost[i]!
                : 0;
      const seen = (reasonsByCode[code] ??= new Map());
      let reason = seen.get(key);
      if (reason === undefined) {
        reason = describeReason(code, fillDetails(details, ctx, i));
        seen.set(key, reason);
      }
      const prepared = catalog.models[i]!;
      out.push({ model: prepared.publicId, modelId: prepared.src.id, provider: slug, step: stepOf(code), reason });
    }
  }
  return out;
}

/** Everything a reason about the model may mention. */
export function details(ctx: RouteContext, model: number): ReasonDetails {
  return fillDetails(emptyDetails(), ctx, model);
}

export function fillDetails(details: ReasonDetails, ctx: RouteContext, model: number): ReasonDetails {
  const catalog = ctx.catalog;
  const provider = catalog.providers[catalog.providerOf[model]!]!;
  details.providerSlug = provider.slug;
  details.providerRegion = provider.region;
  details.ruleName = ruleNameFor(ctx.ruleEffects, provider);
  details.contextTokens = catalog.contextTokens[model]!;
  details.neededTokens = ctx.promptTokens + ctx.maxOutputTokens;
  details.region = ctx.region;
  // The estimate the max-cost and credit checks compared (credits never fail a BYOK model).
  details.costMicros = costMicrosUnchecked(
    billablePrompt(ctx, model),
    ctx.maxOutputTokens,
    catalog.promptPrice[model]!,
    catalog.outputPrice[model]!,
  );
  details.maxCostMicros = ctx.maxCostMicros;
  details.availableMicros = ctx.availableMicros;
  details.latencyMs = catalog.latencyMs[model]!;
  details.latencySlo = ctx.latencySlo;
  details.latencyLimitMs = ctx.latencyLimitMs;
  details.quality = catalog.quality[model]!;
  details.qualityTier = ctx.qualityTier;
  details.qualityFloor = ctx.qualityTier ? QUALITY_FLOOR[ctx.qualityTier] : 0;
  return details;
}

/** The name of the rule that excluded (or, with `preferred`, preferred) the provider. */
export function ruleNameFor(effects: RuleEffects, provider: RouterProvider, preferred = false): string {
  const byProvider = preferred ? effects.preferProviders : effects.excludeProviders;
  return (byProvider.get(provider.id) ?? byProvider.get(provider.slug))?.name ?? "?";
}

/** The first few exclusions, for a failure message. */
export function summarize(excluded: readonly Exclusion[]): string {
  const shown = excluded.slice(0, MESSAGE_EXCLUSIONS).map((e) => `${e.model} (${e.reason})`);
  const more = excluded.length - shown.length;
  return shown.join("; ") + (more > 0 ? `; and ${more} more` : "");
}
