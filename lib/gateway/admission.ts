/**
 * What every gateway request does before any provider is called, whatever its API: admitted by
 * the caller's rate limits, routed (plan.ts), and its credits held (lib/gateway/billing.ts reserve).
 */
import type { Caller } from "../auth/caller.ts";
import { ApiError } from "../http/errors.ts";
import { chainOf } from "../router/types.ts";
import type { ChatDeps } from "./chat-completion.ts";
import type { ChatCompletionBody } from "./chat-request.ts";
import { planRoute, type EmbeddingsRoute, type GatewayDeps, type Plan } from "./plan.ts";

/**
 * Routing, within the caller's rate limits: counted first (in process, or a slot from this
 * process's lease of the shared window: lib/limits/gateway-limits.ts), so a spent window's 429
 * wins over whatever routing would say.
 */
export async function planWithinLimits(
  deps: ChatDeps,
  caller: Caller,
  body: ChatCompletionBody | EmbeddingsRoute,
): Promise<Plan> {
  const admitted = deps.limits?.admit(caller);
  const planned = planRoute(deps, caller, body);
  // A refill of the lease (a round trip) overlaps routing's own reads.
  if (admitted) await Promise.all([admitted, planned.catch(() => undefined)]);
  return planned;
}

export type Held = { plan: Plan; hold: number; availableAfterHold: number };

/**
 * Holds what the dearest candidate the walk may reach could cost (settle charges what was used).
 * A hold refused on a recent (cached) view of the balance is decided again on a fresh one: the
 * request is planned again on fresh money and held once more; the plan it was held for comes back.
 */
export async function holdCredits(
  deps: GatewayDeps,
  caller: Caller,
  requestId: string,
  plan: Plan,
  body: ChatCompletionBody | EmbeddingsRoute,
): Promise<Held> {
  for (let p = plan, retried = false; ; retried = true) {
    const amount = Math.max(...chainOf(p.decision).map((c) => c.estimatedCostMicros));
    const keyId = p.caller.keySpend ? caller.apiKeyId : null;
    try {
      const available =
        amount > 0
          ? (await deps.billing.reserve(caller.userId, requestId, amount, keyId)).availableMicros
          : p.caller.state.availableCreditsMicros;
      return { plan: p, hold: amount, availableAfterHold: available };
    } catch (err) {
      if (retried || !(p.caller.moneyCached && err instanceof ApiError && err.status === 402)) throw err;
      p = await planRoute(deps, caller, body, { freshMoney: true, facts: p.facts });
    }
  }
}
