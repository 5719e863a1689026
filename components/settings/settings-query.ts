"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { Level } from "@/lib/catalog/model-table";

export type Weights = { cost: number; latency: number; quality: number };
export type UserSettings = {
  preferred_power_level: Level | null;
  routing_weights: Weights | null;
  monthly_budget_usd: number | null;
};

export function useSettings() {
  return useQuery({ queryKey: ["settings"], queryFn: () => api<UserSettings>("/api/settings") });
}

/** PUT /api/settings with any subset (null clears); the cache takes the server's answer. */
export function useSaveSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<UserSettings>) => api<UserSettings>("/api/settings", { method: "PUT", body: patch }),
    onSuccess: (saved) => queryClient.setQueryData(["settings"], saved),
  });
}
