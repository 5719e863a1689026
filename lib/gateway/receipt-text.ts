import type { RoutingReceipt } from "./receipt.ts";

/** Failed attempts before the one that answered, as "provider (your key) failed: 401 …" phrases. */
export function failedAttemptsText(receipt: Pick<RoutingReceipt, "candidates">): string[] {
  return receipt.candidates
    .filter((c) => c.outcome === "failed")
    .map((c) => `${c.provider}${c.byok ? " (your key)" : ""} failed: ${c.status === 0 ? "unreachable" : c.status}${c.error ? ` ${c.error}` : ""}`);
}
