import { microsToUsd } from "../money/units.ts";
import type { RouterModel } from "../router/types.ts";
import type { GatewayCatalog } from "./catalog-store.ts";
import { fenceAllows } from "../router/filters.ts";
import type { KeyFence, PowerLevel } from "../router/types.ts";
import type { ProviderState } from "../catalog/model-table.ts";

/** `level`: the power level an alias stands for (a fenced key lists it only when that level is allowed); null for auto. */
const ALIASES: { id: string; level: PowerLevel | null; about: string }[] = [
  { id: "auto", level: null, about: "the router picks, at your power level (default BALANCED)" },
  { id: "eco", level: "ECO", about: "the router picks among ECO models" },
  { id: "balanced", level: "BALANCED", about: "the router picks among BALANCED models" },
  { id: "precision", level: "PRECISION", about: "the router picks among PRECISION models" },
];

/** A model the caller could actually be routed to: enabled, provider enabled, and a usable key. */
export function usableBy(m: RouterModel, byokProviderIds: ReadonlySet<string>): boolean {
  return (
    m.enabled &&
    m.provider.enabled &&
    (!m.provider.requiresKey || m.provider.hasPlatformKey || byokProviderIds.has(m.provider.id))
  );
}

/**
 * `fence`: the calling key's; a fenced key lists only the models and level aliases it may use.
 * `stateOf`: each provider as routing sees it now (absent: up).
 */
export function modelsList(
  catalog: GatewayCatalog,
  byokProviderIds: ReadonlySet<string>,
  fence: KeyFence | null = null,
  stateOf: (providerId: string) => ProviderState = () => "up",
) {
  const kinds = new Map([...catalog.providers.values()].map((p) => [p.id, p.kind]));
  const models = catalog.models
    .filter(
      (m) =>
        usableBy(m, byokProviderIds) &&
        (!fence || fenceAllows(fence, `${m.provider.slug}/${m.upstreamId}`, m.provider.slug, m.powerLevel)),
    )
    .sort((a, b) => `${a.provider.slug}/${a.upstreamId}`.localeCompare(`${b.provider.slug}/${b.upstreamId}`))
    .map((m) => ({
      id: `${m.provider.slug}/${m.upstreamId}`,
      object: "model" as const,
      created: catalog.createdAt.get(m.id) ?? 0,
      owned_by: m.provider.slug,
      switchyard: {
        name: m.name,
        provider: m.provider.slug,
        provider_name: m.provider.name ?? m.provider.slug,
        power_level: m.powerLevel,
        input_per_1m: microsToUsd(m.inputPricePer1M),
        output_per_1m: microsToUsd(m.outputPricePer1M),
        context_tokens: m.contextTokens,
        capabilities: m.capabilities,
        latency_ms: m.latencyMs,
        quality: m.quality,
        is_local: m.provider.isLocal,
        byok: m.provider.requiresKey && !m.provider.hasPlatformKey,
        simulated: kinds.get(m.provider.id) === "SIMULATED",
        provider_state: stateOf(m.provider.id),
      },
    }));
  const aliases = ALIASES.filter(
    (a) => !fence?.allowedLevels || a.level === null || fence.allowedLevels.has(a.level),
  ).map((a) => ({
    id: a.id,
    object: "model" as const,
    created: 0,
    owned_by: "switchyard",
    switchyard: { alias: true, about: a.about },
  }));
  return { object: "list" as const, data: [...aliases, ...models] };
}
