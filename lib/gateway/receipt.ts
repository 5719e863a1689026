/**
 * The routing receipt: what decided one request, recorded with its usage row at the time, so
 * "why this model?" tells the truth about that reply even after rules, catalog, credits or
 * health have changed. Stored as compact JSON with amounts in integer micro-USD; the API shows
 * it with dollars (receiptView), like every other amount.
 */
import { microsToUsd } from "../money/units.ts";
import { scrubSecrets } from "../security/scrub.ts";
import type { RoutingRule } from "../router/rules.ts";
import { chainOf, type PowerLevel, type RouteCandidate, type RouteDecision } from "../router/types.ts";
import type { AttemptRecord } from "./usage-log.ts";
import type { SkippedPrimary } from "./plan.ts";

/** Receipts list at most this many exclusions (a big catalog excludes hundreds); the total is kept. */
export const RECEIPT_EXCLUSIONS = 25;

export type DowngradeCause = "credits" | "budget" | "rule" | "unavailable" | "fallback";

export type Downgrade = { from: PowerLevel; to: PowerLevel; cause: DowngradeCause; message: string };

type CandidateBase = {
  model: string;
  provider: string;
  power_level: PowerLevel;
  byok: boolean;
  outcome: "served" | "failed" | "cancelled" | "not tried";
  status?: number | null;
  error?: string | null;
};

type ReceiptBase = {
  v: 1;
  catalog_version: string;
  requested_power_level: PowerLevel;
  /** The level of the model that answered (or would have, when none did). */
  served_power_level: PowerLevel;
  downgrade: Downgrade | null;
  rules: { id: string; name: string }[];
  task_type: string;
  task_type_inferred: boolean;
  pinned: boolean;
  reason: string;
  excluded: { model: string; reason: string }[];
  excluded_total: number;
  max_tokens: number;
  max_tokens_capped: number | null;
  estimated_prompt_tokens: number;
  /** The model that would have come first had its provider not been down (absent in older receipts). */
  skipped_primary?: SkippedPrimary | null;
};

/** As stored in usage_logs.receipt. */
export type StoredReceipt = ReceiptBase & {
  candidates: (CandidateBase & { estimated_cost_micros: number })[];
  held_micros: number;
  settled_micros: number;
  precision_micros: number | null;
};

export type ReceiptCandidate = CandidateBase & { estimated_cost_usd: number };

/** As the API returns it (`GET /api/usage/requests/:id`) and the chat shows it. */
export type RoutingReceipt = ReceiptBase & {
  candidates: ReceiptCandidate[];
  held_usd: number;
  settled_usd: number;
  precision_usd: number | null;
};

export type ReceiptInput = {
  decision: RouteDecision;
  catalogVersion: string;
  rules: readonly RoutingRule[];
  attempts: readonly AttemptRecord[];
  servedBy: RouteCandidate | null;
  maxTokens: number;
  cappedMaxTokens: number | null;
  promptTokens: number;
  budgetPercent: number | null;
  heldMicros: number;
  settledMicros: number;
  precisionMicros: number | null;
  skippedPrimary?: SkippedPrimary | null;
};

const RANK: Record<PowerLevel, number> = { ECO: 0, BALANCED: 1, PRECISION: 2 };

/**
 * Why the level served differs from the level asked, in words a person reads next to the reply,
 * or null when it does not (or the caller pinned a model). Only a lower level is a downgrade.
 */
export function downgradeOf(
  d: RouteDecision,
  served: PowerLevel,
  rules: readonly RoutingRule[],
  budgetPercent: number | null,
): Downgrade | null {
  if (d.pinned) return null;
  const from = d.requestedPowerLevel;
  if (RANK[served] >= RANK[from]) return null;
  const to = served;
  if (d.steppedDownToEco)
    return {
      from,
      to,
      cause: "budget",
      message: `Served at ${to}: ${budgetPercent ?? 80}% of your monthly budget is spent`,
    };
  if (d.creditsShortAt)
    return {
      from,
      to,
      cause: "credits",
      message: `Served at ${to}: your credits don't cover ${d.creditsShortAt} — add credits`,
    };
  if (d.effectivePowerLevel !== from) {
    const rule = rules.find(
      (r) => d.appliedRuleIds.includes(r.id) && r.actions.force_power_level === d.effectivePowerLevel,
    );
    return {
      from,
      to,
      cause: "rule",
      message: `Served at ${to}: routing rule "${rule?.name ?? "?"}" sets ${d.effectivePowerLevel}`,
    };
  }
  if (d.usedPowerLevel !== from)
    return {
      from,
      to,
      cause: "unavailable",
      message: `Served at ${to}: no ${from} model was available (providers down, without keys or filtered out)`,
    };
  return { from, to, cause: "fallback", message: `Served at ${to}: the ${from} models failed and a fallback answered` };
}

export function buildReceipt(r: ReceiptInput): StoredReceipt {
  const d = r.decision;
  const chain = chainOf(d);
  const served = r.servedBy ?? d.primary;
  const candidates: StoredReceipt["candidates"] = chain.map((c, i) => {
    const attempt = r.attempts[i];
    const base = {
      model: c.model,
      provider: c.provider,
      power_level: c.powerLevel,
      byok: c.byok,
      estimated_cost_micros: c.estimatedCostMicros,
    };
    if (!attempt) return { ...base, outcome: "not tried" };
    if (attempt.ok) return { ...base, outcome: "served", status: attempt.status };
    return {
      ...base,
      outcome: attempt.status === 499 ? "cancelled" : "failed",
      status: attempt.status,
      error: attempt.error === null ? null : scrubSecrets(attempt.error),
    };
  });
  const excluded = d.excluded;
  const byId = new Map(r.rules.map((rule) => [rule.id, rule.name]));
  return {
    v: 1,
    catalog_version: r.catalogVersion,
    requested_power_level: d.requestedPowerLevel,
    served_power_level: served.powerLevel,
    downgrade: downgradeOf(d, served.powerLevel, r.rules, r.budgetPercent),
    rules: d.appliedRuleIds.map((id) => ({ id, name: byId.get(id) ?? id })),
    task_type: d.taskType,
    task_type_inferred: d.taskTypeInferred,
    pinned: d.pinned,
    reason: d.reason,
    candidates,
    excluded: excluded.slice(0, RECEIPT_EXCLUSIONS).map((e) => ({ model: e.model, reason: e.reason })),
    excluded_total: excluded.length,
    max_tokens: r.maxTokens,
    max_tokens_capped: r.cappedMaxTokens,
    estimated_prompt_tokens: r.promptTokens,
    skipped_primary: r.skippedPrimary ?? null,
    held_micros: r.heldMicros,
    settled_micros: r.settledMicros,
    precision_micros: r.precisionMicros,
  };
}

type Legacy = RoutingReceipt & { candidates: ReceiptCandidate[] };

/** A stored receipt with its amounts in dollars, for the API. Receipts stored before amounts were micro-USD already are. */
export function receiptView(stored: StoredReceipt | Legacy): RoutingReceipt {
  if (!("held_micros" in stored)) return stored;
  const { held_micros, settled_micros, precision_micros, candidates, ...rest } = stored;
  return {
    ...rest,
    candidates: candidates.map(({ estimated_cost_micros, ...c }) => ({
      ...c,
      estimated_cost_usd: microsToUsd(estimated_cost_micros),
    })),
    held_usd: microsToUsd(held_micros),
    settled_usd: microsToUsd(settled_micros),
    precision_usd: precision_micros === null ? null : microsToUsd(precision_micros),
  };
}
