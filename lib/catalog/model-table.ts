/**
 * The model catalog as the dashboard shows it: the entries of GET /api/v1/models, and the pure
 * filtering, sorting and cost arithmetic the /models and /chat pages share. Prices here are USD
 * floats (what the API returns); the figures are estimates for display, never for billing.
 */

import { formatUsdAmount } from "../money/units.ts";
import { POWER_LEVELS, type PowerLevel } from "../router/types.ts";

export type Level = PowerLevel;

export type ModelInfo = {
  name: string;
  /** The provider's slug (the first part of the model id). */
  provider: string;
  /** The provider's display name. */
  provider_name: string;
  power_level: Level;
  input_per_1m: number;
  output_per_1m: number;
  context_tokens: number;
  capabilities: string[];
  latency_ms: number;
  quality: number;
  is_local: boolean;
  byok: boolean;
  simulated: boolean;
  /** The provider as routing sees it now: up, down (its last health check failed) or circuit_open (recent failures). */
  provider_state?: ProviderState;
};

export type ProviderState = "up" | "down" | "circuit_open";

export type AliasEntry = {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
  switchyard: { alias: true; about: string };
};
export type ModelEntry = { id: string; object: "model"; created: number; owned_by: string; switchyard: ModelInfo };
export type ModelsResponse = { object: "list"; data: (AliasEntry | ModelEntry)[] };

export const isAlias = (e: AliasEntry | ModelEntry): e is AliasEntry =>
  "alias" in e.switchyard && e.switchyard.alias === true;

export function splitCatalog(list: ModelsResponse): { aliases: AliasEntry[]; models: ModelEntry[] } {
  const aliases: AliasEntry[] = [];
  const models: ModelEntry[] = [];
  for (const e of list.data) {
    if (isAlias(e)) aliases.push(e);
    else models.push(e);
  }
  return { aliases, models };
}

/** USD for one request of `tokensIn` prompt and `tokensOut` completion tokens. */
export function requestCost(m: ModelInfo, tokensIn: number, tokensOut: number): number {
  const tin = Math.max(0, tokensIn || 0);
  const tout = Math.max(0, tokensOut || 0);
  return (tin * m.input_per_1m + tout * m.output_per_1m) / 1e6;
}

/** The "typical request" the power-level buttons price: 500 tokens in, 500 out. */
export const TYPICAL_TOKENS = { in: 500, out: 500 } as const;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** An embeddings model (the "embeddings" capability): served by /v1/embeddings only, never a chat model. */
export const isEmbeddingsModel = (m: ModelEntry): boolean => m.switchyard.capabilities.includes("embeddings");

/** Per level, the median typical-request cost over the caller's usable chat models (null: none at that level). */
export function typicalCostByLevel(models: ModelEntry[]): Record<Level, number | null> {
  const out = {} as Record<Level, number | null>;
  for (const level of POWER_LEVELS) {
    out[level] = median(
      models
        .filter((m) => m.switchyard.power_level === level && !isEmbeddingsModel(m))
        .map((m) => requestCost(m.switchyard, TYPICAL_TOKENS.in, TYPICAL_TOKENS.out)),
    );
  }
  return out;
}

export type ModelFilter = { powerLevel?: Level | ""; provider?: string; capability?: string };

export function filterModels(models: ModelEntry[], f: ModelFilter): ModelEntry[] {
  return models.filter(
    (m) =>
      (!f.powerLevel || m.switchyard.power_level === f.powerLevel) &&
      (!f.provider || m.switchyard.provider === f.provider) &&
      (!f.capability || m.switchyard.capabilities.includes(f.capability)),
  );
}

export type SortKey = "name" | "price" | "latency" | "quality";
export type SortDir = "asc" | "desc";

const sortValue: Record<SortKey, (m: ModelInfo) => number | string> = {
  name: (m) => m.name.toLowerCase(),
  price: (m) => m.input_per_1m + m.output_per_1m,
  latency: (m) => m.latency_ms,
  quality: (m) => m.quality,
};

/** A stable sort; ties keep the id order so the table does not jump between renders. */
export function sortModels(models: ModelEntry[], key: SortKey, dir: SortDir): ModelEntry[] {
  const value = sortValue[key];
  const sign = dir === "asc" ? 1 : -1;
  return [...models].sort((a, b) => {
    const va = value(a.switchyard);
    const vb = value(b.switchyard);
    const byValue = va < vb ? -1 : va > vb ? 1 : 0;
    return byValue * sign || a.id.localeCompare(b.id);
  });
}

export type ProviderOption = { value: string; label: string };

/**
 * Distinct providers (by name, sorted) and capabilities, for the filter pickers. A provider whose
 * name another one shares also shows its slug: two identical labels could not be told apart.
 */
export function facets(models: ModelEntry[]): { providers: ProviderOption[]; capabilities: string[] } {
  const names = new Map<string, string>();
  const capabilities = new Set<string>();
  for (const m of models) {
    names.set(m.switchyard.provider, m.switchyard.provider_name || m.switchyard.provider);
    m.switchyard.capabilities.forEach((c) => capabilities.add(c));
  }
  const uses = new Map<string, number>();
  for (const name of names.values()) uses.set(name, (uses.get(name) ?? 0) + 1);
  const providers = [...names].map(([value, name]) => ({
    value,
    label: uses.get(name)! > 1 ? `${name} (${value})` : name,
  }));
  providers.sort((a, b) => a.label.localeCompare(b.label) || a.value.localeCompare(b.value));
  return { providers, capabilities: [...capabilities].sort() };
}

/** A provider a user may bring a key for, as GET /api/byok/providers describes it to them. */
export type KeyProvider = {
  slug: string;
  name: string;
  has_platform_key: boolean;
  has_own_key: boolean;
  models: number;
};

/** The enabled models nobody has given a key for yet, so this user cannot use them until they add one. */
export function lockedByKey(providers: KeyProvider[]): { models: number; providers: KeyProvider[] } {
  const locked = providers.filter((p) => !p.has_platform_key && !p.has_own_key && p.models > 0);
  return { models: locked.reduce((n, p) => n + p.models, 0), providers: locked };
}

/** A price per 1M tokens, exact like every other figure; "free" when it costs nothing. */
export function formatPrice(usdPer1M: number): string {
  return usdPer1M === 0 ? "free" : formatUsdAmount(usdPer1M);
}
