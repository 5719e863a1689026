"use client";
import Link from "next/link";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "@/components/api-client";
import { Alert, Button, Card } from "@/components/ui/primitives";
import { CREDITS_KEY, type PurchaseStatus } from "./credits-query";
import { formatUsdAmount } from "@/lib/money/units";

const POLL_MS = 1_000;
const GIVE_UP_MS = 60_000;

/**
 * After Stripe sends the browser back: polls the purchase until the webhook has credited it
 * (every second, for up to a minute), then shows what was added and the new balance.
 */
export function PurchaseStatusView({ sessionId }: { sessionId: string }) {
  const queryClient = useQueryClient();
  const [since, setSince] = useState(() => Date.now());
  const status = useQuery({
    queryKey: ["credits", "purchase", sessionId],
    queryFn: () => api<PurchaseStatus>(`/api/credits/purchases/${encodeURIComponent(sessionId)}`),
    refetchInterval: (q) => (q.state.data?.status === "credited" || Date.now() - since > GIVE_UP_MS ? false : POLL_MS),
    refetchIntervalInBackground: true,
    retry: 3,
  });
  const credited = status.data?.status === "credited";
  const gaveUp = !credited && Math.max(status.dataUpdatedAt, status.errorUpdatedAt) - since > GIVE_UP_MS;

  // The header widget and the statement should show the new balance at once.
  useEffect(() => {
    if (credited) void queryClient.invalidateQueries({ queryKey: CREDITS_KEY });
  }, [credited, queryClient]);

  return (
    <Card>
      <div className="space-y-4">
        <div data-testid="purchase-status" role="status" aria-live="polite" className="text-base">
          {credited ? (
            <p className="font-medium text-emerald-800">
              Payment received: {formatUsdAmount(status.data!.amount_usd ?? 0)} added. New balance{" "}
              {formatUsdAmount(status.data!.balance_usd)}
            </p>
          ) : gaveUp ? (
            <p className="text-slate-700">
              Stripe has not confirmed this payment yet. It can take a few minutes; your balance updates as soon as the
              confirmation arrives, and nothing is lost if you leave this page.
            </p>
          ) : (
            <p className="flex items-center gap-2 text-slate-700">
              <span
                aria-hidden
                className="inline-block h-4 w-4 animate-spin rounded-full border-2 border-indigo-200 border-t-indigo-600"
              />
              Waiting for the payment confirmation from Stripe…
            </p>
          )}
        </div>
        {status.error && !status.data && <Alert>{status.error.message}</Alert>}
        <div className="flex flex-wrap items-center gap-3">
          <Link
            href="/credits"
            className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Back to Credits
          </Link>
          {gaveUp && (
            <Button
              variant="secondary"
              onClick={() => {
                setSince(Date.now());
                void status.refetch();
              }}
            >
              Check again
            </Button>
          )}
        </div>
      </div>
    </Card>
  );
}
