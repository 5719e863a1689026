/** The routing headers every gateway reply carries (chat completions, messages, embeddings). */
import { microsToUsd } from "../money/units.ts";
import { budgetState } from "../router/money.ts";
import { chainOf, type RouteCandidate } from "../router/types.ts";
import type { Plan } from "./plan.ts";
import { downgradeOf } from "./receipt.ts";
import { skippedPrimaryText } from "./receipt-text.ts";
import type { AttemptRecord } from "./usage-log.ts";

const headerSafe = (text: string) =>
  text
    .replace(/[\u2013\u2014]/g, "-")
    .replace(/[^\x20-\x7E]/g, "")
    .slice(0, 300);

/**
 * For a stream, X-Credits-Remaining is what stays spendable while it runs (available minus the
 * hold). X-Routing-Reason leads with what a person should know first: a downgrade, then which
 * providers failed and why, then the router's own reason.
 */
export function routeHeaders(
  plan: Plan,
  candidate: RouteCandidate,
  attempts: readonly AttemptRecord[],
  availableMicros: number,
  requestId: string,
): Record<string, string> {
  const fallbacks = Math.max(0, attempts.length - 1);
  const failed = attempts.filter((a) => !a.ok);
  const chain = chainOf(plan.decision);
  const parts: string[] = [];
  const downgrade = downgradeOf(
    plan.decision,
    candidate.powerLevel,
    plan.catalog.rules,
    budgetState(plan.caller.state.budget).percent,
  );
  if (downgrade) parts.push(downgrade.message);
  if (plan.skippedPrimary) parts.push(skippedPrimaryText(plan.skippedPrimary));
  if (fallbacks > 0) {
    const why = failed
      .map(
        (a) =>
          `${a.model}${chain.find((c) => c.model === a.model)?.byok ? " (your key)" : ""} failed (${a.status === 0 ? "unreachable" : a.status})`,
      )
      .join(", ");
    parts.push(`fallback #${fallbacks} after ${why}`);
  }
  parts.push(plan.decision.reason);
  const reason = parts.join("; ");
  return {
    "X-Request-Id": requestId,
    "X-Provider-Used": candidate.provider,
    "X-Model-Used": candidate.model,
    "X-Routing-Reason": headerSafe(reason),
    "X-Fallback-Count": String(fallbacks),
    "X-Power-Level": candidate.powerLevel,
    ...(plan.cappedMaxTokens !== null ? { "X-Max-Tokens-Capped": String(plan.cappedMaxTokens) } : {}),
    ...(candidate.byok && plan.caller.state.byokFeeBasisPoints
      ? { "X-BYOK-Fee-Percent": String(plan.caller.state.byokFeeBasisPoints / 100) }
      : {}),
    "X-Credits-Remaining": String(microsToUsd(availableMicros)),
  };
}
