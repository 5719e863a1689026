"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { UsageFields, UsagePoint } from "@/lib/usage/chart-data";

export type GroupBy = "day" | "provider" | "model" | "power_level";
export type UsageReport = { from: string; to: string; group_by: GroupBy; totals: UsageFields; series: UsagePoint[] };
/** Inclusive YYYY-MM-DD dates, as the API takes them. */
export type DateRange = { from: string; to: string };

export function useUsage(range: DateRange, groupBy: GroupBy) {
  return useQuery({
    queryKey: ["usage", range.from, range.to, groupBy],
    queryFn: () =>
      api<UsageReport>(`/api/usage?${new URLSearchParams({ from: range.from, to: range.to, group_by: groupBy })}`),
    placeholderData: keepPreviousData,
  });
}
