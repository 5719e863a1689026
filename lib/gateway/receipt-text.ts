import type { RoutingReceipt } from "./receipt.ts";
import type { SkippedPrimary } from "./plan.ts";

/** Failed attempts before the one that answered, as "provider (your key) failed: 401 …" phrases. */
export function failedAttemptsText(receipt: Pick<RoutingReceipt, "candidates">): string[] {
  return receipt.candidates
    .filter((c) => c.outcome === "failed")
    .map(
      (c) =>
        `${c.provider}${c.byok ? " (your key)" : ""} failed: ${c.status === 0 ? "unreachable" : c.status}${c.error ? ` ${c.error}` : ""}`,
    );
}

/** Why the usual first choice did not answer: "openai/gpt-4o skipped: openai is down (its health check fails)". */
export function skippedPrimaryText(s: SkippedPrimary): string {
  return `${s.model} skipped: ${s.provider} is ${s.state === "down" ? "down (its health check fails)" : "failing (circuit open)"}`;
}
