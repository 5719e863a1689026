"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { ModelPatchInput, ProviderPatchInput } from "@/lib/catalog/schemas";
import type { HealthView, ModelView, ProviderView } from "./catalog-types";

export const PROVIDERS_KEY = ["admin-providers"] as const;
export const MODELS_KEY = ["admin-models"] as const;
export const HEALTH_KEY = ["admin-health"] as const;

export function useProviders() {
  return useQuery({
    queryKey: PROVIDERS_KEY,
    queryFn: async () => (await api<{ data: ProviderView[] }>("/api/admin/providers")).data,
  });
}

export function useModels() {
  return useQuery({
    queryKey: MODELS_KEY,
    queryFn: async () => (await api<{ data: ModelView[] }>("/api/admin/models")).data,
  });
}

/** How often the cards refresh while the page is open: a provider going down shows within seconds, without a reload. */
export const HEALTH_POLL_MS = 2_500;

/** Health over the last 15 minutes and 24 hours, polled while the page is open. */
export function useHealth() {
  return useQuery({
    queryKey: HEALTH_KEY,
    queryFn: async () => (await api<{ data: HealthView[] }>("/api/admin/health")).data,
    refetchInterval: HEALTH_POLL_MS,
    staleTime: 1_000,
  });
}

/** Providers, models and health all change together (deleting a provider drops its models). */
export function useInvalidateCatalog() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: PROVIDERS_KEY });
    void qc.invalidateQueries({ queryKey: MODELS_KEY });
    void qc.invalidateQueries({ queryKey: HEALTH_KEY });
  };
}

export function usePatchProvider(id: string) {
  const invalidate = useInvalidateCatalog();
  return useMutation({
    mutationFn: (body: ProviderPatchInput) =>
      api<ProviderView>(`/api/admin/providers/${id}`, { method: "PATCH", body }),
    onSettled: invalidate,
  });
}

export function usePatchModel() {
  const invalidate = useInvalidateCatalog();
  return useMutation({
    mutationFn: ({ id, ...body }: ModelPatchInput & { id: string }) =>
      api<ModelView>(`/api/admin/models/${id}`, { method: "PATCH", body }),
    onSettled: invalidate,
  });
}
