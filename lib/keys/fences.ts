/**
 * A gateway key's fences as the gateway checks them: parsed once when the key is loaded into the
 * identity cache, then a few Set lookups per request.
 */
import { formatUsd } from "../money/units.ts";
import { ApiError } from "../http/errors.ts";
import { POWER_LEVELS, type PowerLevel } from "../router/types.ts";
import { fenceAllows } from "../router/filters.ts";
import { LEVEL_FALLBACK_ORDER } from "../router/decide.ts";

export type RoutingProfile = { primary: string; fallback: string | null; local: string | null };

export type KeyFences = {
  monthlyLimitMicros: number | null;
  /** null: every level. */
  allowedLevels: ReadonlySet<PowerLevel> | null;
  /** null: every model. Exact public ids, lower-cased. */
  allowedModels: ReadonlySet<string> | null;
  /** Provider slugs allowed whole (`provider/*`), lower-cased. */
  allowedProviders: ReadonlySet<string> | null;
  /** The list as the owner wrote it, for messages. */
  allowedModelList: readonly string[];
  rpm: number | null;
  tpm: number | null;
  routingProfile: RoutingProfile | null;
};

export type FenceRow = {
  monthlyLimitMicros: bigint | null;
  allowedPowerLevels: readonly string[];
  allowedModels: readonly string[];
  rpm: number | null;
  tpm: number | null;
  routingProfile: unknown;
};

export const fenceSelect = {
  monthlyLimitMicros: true,
  allowedPowerLevels: true,
  allowedModels: true,
  rpm: true,
  tpm: true,
  routingProfile: true,
} as const;

/** null when the key has no fence at all: the gateway skips every check. */
export function parseFences(row: FenceRow): KeyFences | null {
  const levels = row.allowedPowerLevels.filter((l): l is PowerLevel => (POWER_LEVELS as readonly string[]).includes(l));
  const exact = new Set<string>();
  const providers = new Set<string>();
  for (const m of row.allowedModels) {
    const lower = m.toLowerCase();
    if (lower.endsWith("/*")) providers.add(lower.slice(0, -2));
    else exact.add(lower);
  }
  const fences: KeyFences = {
    monthlyLimitMicros: row.monthlyLimitMicros === null ? null : Number(row.monthlyLimitMicros),
    allowedLevels: levels.length ? new Set(levels) : null,
    allowedModels: row.allowedModels.length ? exact : null,
    allowedProviders: row.allowedModels.length ? providers : null,
    allowedModelList: row.allowedModels,
    rpm: row.rpm,
    tpm: row.tpm,
    routingProfile: asProfile(row.routingProfile),
  };
  const none =
    fences.monthlyLimitMicros === null &&
    !fences.allowedLevels &&
    !fences.allowedModels &&
    fences.rpm === null &&
    fences.tpm === null &&
    !fences.routingProfile;
  return none ? null : fences;
}

function asProfile(v: unknown): RoutingProfile | null {
  if (!v || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  if (typeof o.primary !== "string") return null;
  return {
    primary: o.primary,
    fallback: typeof o.fallback === "string" ? o.fallback : null,
    local: typeof o.local === "string" ? o.local : null,
  };
}

/** Whether the key may use this model (public id `<provider_slug>/<upstream_id>`). */
export function modelAllowed(f: KeyFences | null, publicId: string, providerSlug: string, level: PowerLevel): boolean {
  return !f || fenceAllows(f, publicId, providerSlug, level);
}

/** What the key allows, in words, for a 403. */
export function allowedText(f: KeyFences): string {
  const parts: string[] = [];
  if (f.allowedLevels)
    parts.push(`power level${f.allowedLevels.size > 1 ? "s" : ""} ${[...f.allowedLevels].join(", ")}`);
  if (f.allowedModels) parts.push(`model${f.allowedModelList.length > 1 ? "s" : ""} ${f.allowedModelList.join(", ")}`);
  return parts.join(" and ");
}

export function modelNotAllowed(f: KeyFences, what: string): ApiError {
  return new ApiError(
    403,
    "model_not_allowed",
    `This API key may not use ${what}: it allows only ${allowedText(f)}`,
    "model",
  );
}

/**
 * The power level a request runs at when it names none: the owner's default if the key allows it,
 * else the allowed level nearest to it (cheaper side first, as the router's level fallback).
 */
export function defaultLevelFor(f: KeyFences | null, preferred: PowerLevel): PowerLevel {
  if (!f?.allowedLevels) return preferred;
  return LEVEL_FALLBACK_ORDER[preferred].find((l) => f.allowedLevels!.has(l)) ?? preferred;
}

export type KeySpend = { limitMicros: number; spentMicros: number; reservedMicros: number };

export const keyRemaining = (s: KeySpend) => Math.max(0, s.limitMicros - s.spentMicros - s.reservedMicros);

export function keyBudgetExhausted(s: KeySpend, nextMonth: Date): ApiError {
  const held = s.reservedMicros > 0 ? ` and ${formatUsd(s.reservedMicros)} held by requests in flight` : "";
  return new ApiError(
    402,
    "key_budget_exhausted",
    `This API key's monthly limit of ${formatUsd(s.limitMicros)} is spent (${formatUsd(s.spentMicros)} charged this month${held}); it renews on ${nextMonth.toISOString().slice(0, 10)} (UTC), or its owner can raise it on the Keys page`,
  );
}
