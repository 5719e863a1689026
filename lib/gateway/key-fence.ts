/**
 * A gateway key's fences applied to one request, around the router: what the request asks for
 * is checked first (a 403 that names what the key allows beats a routing failure), a request
 * that names no level runs at one the key allows, and a key's routing profile replaces the
 * router's choice for alias requests.
 */
import { DEFAULT_POWER_LEVEL } from "../router/catalog-defaults.ts";
import { ALIAS_LEVEL, decideRoute } from "../router/decide.ts";
import { fenceAllows } from "../router/filters.ts";
import { KEY_FENCE_TEXT } from "../router/reasons.ts";
import { chainOf, type PowerLevel, type RouteInput, type RouteResult, type RoutingRequest } from "../router/types.ts";
import type { PreparedCatalog } from "../router/catalog.ts";
import { defaultLevelFor, modelNotAllowed, type KeyFences, type RoutingProfile } from "../keys/fences.ts";

const isAlias = (model: string | null | undefined) => !model || ALIAS_LEVEL.has(model.trim().toLowerCase());

/** The request as the key lets it route, or a 403 model_not_allowed. */
export function fencedRequest(
  req: RoutingRequest,
  fences: KeyFences | null | undefined,
  cat: PreparedCatalog,
  preferred: PowerLevel | null | undefined,
): RoutingRequest {
  if (!fences || (!fences.allowedLevels && !fences.allowedModels)) return req;
  const model = (req.model ?? "").trim();
  if (!isAlias(model)) {
    const index = cat.lookup.get(model) ?? cat.lookupLower.get(model.toLowerCase());
    if (index === undefined) return req; // unknown: the router's 404 says so
    const pm = cat.models[index]!;
    if (!fenceAllows(fences, pm.publicId, cat.providers[pm.providerIndex]!.slug, pm.src.powerLevel))
      throw modelNotAllowed(fences, `${pm.publicId} (${pm.src.powerLevel})`);
    return req;
  }
  const asked = ALIAS_LEVEL.get(model.toLowerCase()) ?? req.powerLevel ?? null;
  if (asked) {
    if (fences.allowedLevels && !fences.allowedLevels.has(asked)) throw modelNotAllowed(fences, `power level ${asked}`);
    return req;
  }
  const level = defaultLevelFor(fences, preferred ?? DEFAULT_POWER_LEVEL);
  return level === (preferred ?? DEFAULT_POWER_LEVEL) ? req : { ...req, powerLevel: level };
}

/** A routing failure caused by the key's fence (every candidate left was outside it) as the key's 403. */
export function fenceFailure(result: RouteResult, fences: KeyFences | null | undefined) {
  if (result.ok || !fences || (result.code !== "no_candidate" && result.code !== "privacy_no_local_model")) return null;
  return result.excluded.some((e) => e.reason === KEY_FENCE_TEXT)
    ? modelNotAllowed(fences, "any model that can serve this request")
    : null;
}

/**
 * The router, or the key's routing profile for alias requests: the primary, then the fallback,
 * then the local model (alone when privacy is required), each checked like a pinned model (money,
 * context, privacy, health); the ones that pass form the chain. Without a local model, a
 * privacy-required request is routed as usual (local providers only).
 */
export function routeFor(profile: RoutingProfile | null | undefined): (input: RouteInput) => RouteResult {
  if (!profile) return decideRoute;
  return (input) => {
    if (!isAlias(input.request.model)) return decideRoute(input);
    const privacy = input.request.privacyRequired === true;
    if (privacy && !profile.local) return decideRoute(input);
    const models = privacy
      ? [profile.local!]
      : [...new Set([profile.primary, profile.fallback, profile.local].filter((m): m is string => !!m))];
    const results = models.map((model) => decideRoute({ ...input, request: { ...input.request, model } }));
    const ok = results.filter((r) => r.ok);
    // A profile names models of one kind (chat, usually): a request of the other kind (embeddings)
    // routes as if the key had no profile, rather than fail on models it could never use.
    if (ok.length === 0)
      return results.every((r) => !r.ok && r.code === "unsupported_by_model") ? decideRoute(input) : results[0]!;
    const [first, ...rest] = ok;
    const chain = [first!.primary, ...rest.map((r) => r.primary)];
    const skipped = models.filter((_, i) => !results[i]!.ok);
    const reason = `routing profile of this API key (${models.join(" → ")})${skipped.length ? `; skipped ${skipped.join(", ")}` : ""}`;
    return {
      ...first!,
      primary: chain[0]!,
      fallbacks: chainOf({ primary: chain[0]!, fallbacks: chain.slice(1) }).slice(1),
      reason,
    };
  };
}
