"use client";
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";

export type Credits = {
  balance_usd: number;
  reserved_usd: number;
  available_usd: number;
  monthly_budget_usd: number | null;
  month_spend_usd: number;
};
export type CreditsConfig = { purchases_enabled: boolean; packs_usd: number[]; min_usd: number; max_usd: number };
export type LedgerType = "PURCHASE" | "GRANT" | "CORRECTION" | "REFUND" | "CHARGE";
export type LedgerRow = {
  id: string;
  type: LedgerType;
  amount_usd: number;
  balance_after_usd: number;
  reference: string;
  created_at: string;
};
export type LedgerPage = { data: LedgerRow[]; next_cursor: string | null };
export type PurchaseStatus = {
  status: "pending" | "credited";
  amount_usd: number | null;
  credited_at: string | null;
  balance_usd: number;
};

export const CREDITS_KEY = ["credits"] as const;
export const LEDGER_KEY = ["credits", "ledger"] as const;

/** The caller's balance; every view of it (header widget, pages) shares this one query. */
export function useCredits(opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: CREDITS_KEY,
    queryFn: () => api<Credits>("/api/credits"),
    staleTime: 0,
    refetchOnWindowFocus: true,
    refetchInterval: opts.refetchInterval,
  });
}

export function useCreditsConfig() {
  return useQuery({
    queryKey: ["credits", "config"],
    queryFn: () => api<CreditsConfig>("/api/credits/config"),
    staleTime: 5 * 60_000,
  });
}

export function useLedger(pageSize = 20) {
  return useInfiniteQuery({
    queryKey: [...LEDGER_KEY, pageSize],
    queryFn: ({ pageParam }) =>
      api<LedgerPage>(
        `/api/credits/ledger?limit=${pageSize}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    staleTime: 0,
  });
}

/** Starts a Stripe Checkout for `amount_usd` and sends the browser there. */
export function useCheckout() {
  return useMutation({
    mutationFn: (amountUsd: number) =>
      api<{ url: string; session_id: string }>("/api/credits/checkout", { body: { amount_usd: amountUsd } }),
    onSuccess: ({ url }) => window.location.assign(url),
  });
}
