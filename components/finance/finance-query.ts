"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { FinanceSummary } from "@/lib/finance/summary";
import type { Reconciliation } from "@/lib/finance/reconciliation";
import type { financeRequests } from "@/lib/finance/requests";
import type { RepairResult } from "@/lib/finance/repair";
import { financeQuery, type DayRange, type Drill } from "@/lib/usage/finance-range";

// The finance API's answers, as lib/finance types them (money is integer micro-USD; the page
// turns it into dollars).
export type { Breakdown, DayRow as FinanceDay, FinanceSummary } from "@/lib/finance/summary";
export type {
  Comparison,
  DiffRow as ReconciliationRow,
  Reconciliation,
  Repairable,
} from "@/lib/finance/reconciliation";
export type FinanceTotals = FinanceSummary["totals"];
export type TopUser = FinanceSummary["top_users"][number];
export type FinanceRequestsPage = Awaited<ReturnType<typeof financeRequests>>;
export type FinanceRequest = FinanceRequestsPage["data"][number];
export type { RepairResult } from "@/lib/finance/repair";

export const FINANCE_KEY = ["finance"] as const;
/** Rows per page of the drill-down. */
export const REQUESTS_PAGE_SIZE = 25;

export function useFinanceSummary(range: DayRange, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: [...FINANCE_KEY, "summary", range.from, range.to],
    queryFn: () => api<FinanceSummary>(`/api/finance/summary?${financeQuery(range)}`),
    placeholderData: keepPreviousData,
    enabled: opts.enabled ?? true,
  });
}

export function useFinanceRequests(range: DayRange, drill: Drill, cursor: string | undefined) {
  return useQuery({
    queryKey: [...FINANCE_KEY, "requests", range.from, range.to, drill, cursor ?? null],
    queryFn: () => {
      const params = new URLSearchParams(financeQuery(range, drill));
      params.set("limit", String(REQUESTS_PAGE_SIZE));
      if (cursor) params.set("cursor", cursor);
      return api<FinanceRequestsPage>(`/api/finance/requests?${params}`);
    },
    placeholderData: keepPreviousData,
  });
}

export function useReconciliation(range: DayRange) {
  return useQuery({
    queryKey: [...FINANCE_KEY, "reconciliation", range.from, range.to],
    queryFn: () => api<Reconciliation>(`/api/finance/reconciliation?${financeQuery(range)}`),
    placeholderData: keepPreviousData,
  });
}

/** Credits a payment Stripe took and the ledger never recorded (ADMIN); every finance figure is read again after. */
export function useRepair() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) =>
      api<RepairResult>("/api/finance/reconciliation/repair", { body: { session_id: sessionId } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: FINANCE_KEY }),
  });
}

/** Where the CSV export of one kind for the range downloads from. */
export function exportHref(kind: "usage" | "ledger" | "purchases", range: DayRange): string {
  return `/api/finance/export.csv?${new URLSearchParams({ kind, from: range.from, to: range.to })}`;
}
