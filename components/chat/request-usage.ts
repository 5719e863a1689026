import { api, ApiClientError } from "@/components/api-client";
import type { RoutingReceipt } from "@/lib/gateway/receipt";

export type RequestUsage = {
  id: string;
  status: string;
  provider: string | null;
  model: string | null;
  power_level: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  error: string | null;
  receipt: RoutingReceipt | null;
};

/**
 * The server's record of one request: what the ledger charged and the routing receipt. A stopped
 * stream's row is written just after the browser lets go, so a 404 is retried briefly.
 */
/** The cache key of one request's usage record: the chat fetches it after a reply, the receipt panel reads it. */
export const requestUsageKey = (requestId: string) => ["request-usage", requestId] as const;

export async function fetchRequestUsage(requestId: string, attempts = 6): Promise<RequestUsage | null> {
  for (let i = 0; i < attempts; i++) {
    try {
      return await api<RequestUsage>(`/api/usage/requests/${encodeURIComponent(requestId)}`);
    } catch (err) {
      if (!(err instanceof ApiClientError) || err.status !== 404) return null;
      await new Promise((r) => setTimeout(r, 250 * (i + 1)));
    }
  }
  return null;
}
