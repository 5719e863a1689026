import { microsToUsd } from "../money/units.ts";
import type { RouteCandidate, RouteDecision } from "../router/types.ts";

const candidateView = (c: RouteCandidate) => ({
  model: c.model,
  provider: c.provider,
  power_level: c.powerLevel,
  estimated_cost_usd: microsToUsd(c.estimatedCostMicros),
  byok: c.byok,
  scores: c.scores,
});

/** POST /api/v1/route's body (api.md), plus the decision's context. */
export function routeView(d: RouteDecision, promptTokens: number, maxOutputTokens: number) {
  return {
    primary: candidateView(d.primary),
    fallbacks: d.fallbacks.map(candidateView),
    excluded: d.excluded.map((e) => ({ model: e.model, reason: e.reason })),
    reason: d.reason,
    task_type: d.taskType,
    task_type_inferred: d.taskTypeInferred,
    power_level: d.usedPowerLevel,
    requested_power_level: d.requestedPowerLevel,
    stepped_down_to_eco: d.steppedDownToEco,
    applied_rules: d.appliedRuleIds,
    weights: d.weights,
    estimated_prompt_tokens: promptTokens,
    max_output_tokens: maxOutputTokens,
  };
}
