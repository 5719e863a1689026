/**
 * What one attempt at a candidate needs, whatever the API (chat completions, messages,
 * embeddings): its provider's key, the shared half-open trial, the breaker and cluster circuit
 * afterwards, a refused BYOK key remembered, and upstream errors scrubbed before anyone sees them.
 */
import { open } from "../crypto/secret-box.ts";
import { byokKeyAad, platformKeyAad } from "../crypto/master-key.ts";
import { log } from "../log/logger.ts";
import { UpstreamError } from "../providers/types.ts";
import type { RouteCandidate } from "../router/types.ts";
import { scrubSecrets } from "../security/scrub.ts";
import type { ChatDeps } from "./chat-completion.ts";
import type { Plan } from "./plan.ts";

/** Upstream outcomes that say "try someone else": unreachable, slow, busy, broken, or misconfigured on our side. */
export function shouldFallBack(status: number): boolean {
  return (
    status === 0 ||
    status === 401 ||
    status === 403 ||
    status === 404 ||
    status === 408 ||
    status === 409 ||
    status === 429 ||
    status >= 500
  );
}

export async function claimTrial(deps: ChatDeps, providerId: string): Promise<boolean> {
  if (!deps.circuits) return true;
  return deps.circuits.claimTrial(providerId).catch((err: unknown) => {
    log().error({ provider_id: providerId, err: scrubSecrets(String(err)) }, "circuit: trial claim failed");
    return false;
  });
}

/** This process's breaker, and the cluster's circuit when the breaker opens or the trial failed. */
export function noteFailure(deps: ChatDeps, plan: Plan, providerId: string, message: string): void {
  deps.breakers.failure(providerId, message);
  if (deps.circuits && (plan.circuits.trial.has(providerId) || deps.breakers.isOpen(providerId))) {
    deps.circuits
      .open(providerId, "traffic", scrubSecrets(message))
      .catch((err: unknown) =>
        log().error({ provider_id: providerId, err: scrubSecrets(String(err)) }, "circuit: open failed"),
      );
  }
}

/** The trial's success closes the cluster's circuit; other successes write nothing. */
export function noteSuccess(deps: ChatDeps, plan: Plan, providerId: string, ttftMs: number): void {
  deps.breakers.success(providerId, ttftMs);
  if (deps.circuits && plan.circuits.trial.has(providerId)) {
    deps.circuits
      .close(providerId)
      .catch((err: unknown) =>
        log().error({ provider_id: providerId, err: scrubSecrets(String(err)) }, "circuit: close failed"),
      );
  }
}

/**
 * The provider refused the caller's own key: remember it, so the next requests route without it
 * (platform keys, or a clear "no key" failure). This request walks on down its chain. Awaited (a
 * rare path): once the reply is out, the Keys page already shows the key as invalid.
 */
export async function markInvalid(
  deps: ChatDeps,
  plan: Plan,
  userId: string,
  candidate: RouteCandidate,
  e: UpstreamError,
): Promise<void> {
  const sealed = plan.caller.keys.get(candidate.providerId);
  if (!sealed || !deps.markByokInvalid) return;
  let secrets: string[] = [];
  try {
    secrets = [open(sealed.ciphertext, deps.masterKey(), byokKeyAad(userId, candidate.providerId))];
  } catch {
    // unreadable: the pattern scrub still applies
  }
  // Only if the key is still the one that was refused (the user may have replaced it meanwhile).
  await deps
    .markByokInvalid(sealed.id, `${candidate.provider} answered ${e.status}: ${e.message}`, {
      secrets,
      ciphertext: sealed.ciphertext,
    })
    .catch((err: unknown) => log().error({ err: scrubSecrets(String(err)) }, "marking a BYOK key invalid failed"));
}

/** The key the candidate is called with: the caller's own (BYOK), the platform's, or none. */
export function providerKey(deps: ChatDeps, plan: Plan, userId: string, candidate: RouteCandidate): string | null {
  if (candidate.byok) {
    const sealed = plan.caller.keys.get(candidate.providerId);
    if (sealed) return open(sealed.ciphertext, deps.masterKey(), byokKeyAad(userId, candidate.providerId));
  }
  const provider = plan.catalog.providers.get(candidate.providerId);
  if (provider?.platformKeyCiphertext)
    return open(provider.platformKeyCiphertext, deps.masterKey(), platformKeyAad(candidate.providerId));
  return null;
}

/**
 * Every failure passes here before it reaches the client, usage rows, health or logs; scrubbing
 * again means an adapter that forgot to is not a leak.
 */
export function asUpstreamError(err: unknown): UpstreamError {
  if (err instanceof UpstreamError)
    return new UpstreamError(scrubSecrets(err.message), err.status, err.retryAfterSeconds);
  return new UpstreamError(scrubSecrets(err instanceof Error ? err.message : String(err)), 502);
}
