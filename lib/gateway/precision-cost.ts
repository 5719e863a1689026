/** The usage row's precision_cost_micros: what the savings view compares a request's charge with. */
import { computeCostMicros } from "../router/cost.ts";
import { decideRoute } from "../router/decide.ts";
import type { RouterModel, RoutingRequest } from "../router/types.ts";
import type { Plan } from "./plan.ts";

/**
 * What the same tokens would have cost on the model PRECISION would pick (money aside), among the
 * models of the request's kind (`operation`: an embeddings request is compared with embeddings models).
 */
export function precisionCost(
  plan: Plan,
  promptTokens: number,
  completionTokens: number,
  operation?: RoutingRequest["operation"],
): number | null {
  if (promptTokens + completionTokens === 0) return null;
  const decision = decideRoute({
    request: { model: "precision", taskType: plan.decision.taskType, operation },
    promptTokens: plan.promptTokens,
    maxOutputTokens: plan.maxOutputTokens,
    catalog: plan.catalog.prepared,
    caller: { role: "USER", byokProviderIds: [], availableCreditsMicros: Number.MAX_SAFE_INTEGER },
    maxFallbacks: 0,
  });
  if (!decision.ok) return null;
  const m: RouterModel | undefined = plan.catalog.models.find((x) => x.id === decision.primary.modelId);
  return m ? computeCostMicros(promptTokens, completionTokens, m.inputPricePer1M, m.outputPricePer1M) : null;
}
