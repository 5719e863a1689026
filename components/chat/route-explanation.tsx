"use client";
import { useQuery } from "@tanstack/react-query";
import { Alert } from "@/components/ui/primitives";
import { ReceiptDetails } from "@/components/usage/receipt-details";
import { fetchRequestUsage, requestUsageKey } from "./request-usage";

/**
 * The routing receipt recorded with this reply's request: the decision as it was made then, not
 * made again now — rules, catalog, credits and health may have changed since.
 */
export function RouteExplanation({ requestId }: { requestId: string }) {
  const usage = useQuery({
    queryKey: requestUsageKey(requestId),
    queryFn: () => fetchRequestUsage(requestId, 1),
    staleTime: Infinity,
    retry: false,
  });
  if (usage.isPending) return <p className="text-xs text-slate-500">Loading the routing receipt…</p>;
  if (usage.error || !usage.data) return <Alert>The record of this request could not be loaded.</Alert>;
  const r = usage.data.receipt;
  if (!r) return <Alert>No routing receipt was recorded for this reply: it was served before receipts existed.</Alert>;
  return <ReceiptDetails receipt={r} testId="route-explanation" />;
}
