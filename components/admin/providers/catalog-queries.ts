"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { HealthView, ModelView, ProviderView } from "./catalog-types";

export const PROVIDERS_KEY = ["admin-providers"] as const;
export const MODELS_KEY = ["admin-models"] as const;
export const HEALTH_KEY = ["admin-health"] as const;

export function useProviders() {
  return useQuery({ queryKey: PROVIDERS_KEY, queryFn: async () => (await api<{ data: ProviderView[] }>("/api/admin/providers")).data });
}

export function useModels() {
  return useQuery({ queryKey: MODELS_KEY, queryFn: async () => (await api<{ data: ModelView[] }>("/api/admin/models")).data });
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

export type ProviderPatch = Partial<{
  name: string;
  base_url: string;
  api_key: string | null;
  enabled: boolean;
  priority: number;
  is_local: boolean;
  region: string;
  compliance: string[];
  requires_key: boolean;
  first_token_timeout_ms: number;
  simulation: SimulationSettings | null;
}>;

export type SimulationSettings = { first_token_ms?: number; tokens_per_second?: number; error_rate?: number; error_status?: number; reply?: string };

export function usePatchProvider(id: string) {
  const invalidate = useInvalidateCatalog();
  return useMutation({
    mutationFn: (body: ProviderPatch) => api<ProviderView>(`/api/admin/providers/${id}`, { method: "PATCH", body }),
    onSettled: invalidate,
  });
}

export type ModelBody = {
  provider: string;
  upstream_id: string;
  name: string;
  power_level: string;
  input_per_1m: number;
  output_per_1m: number;
  /** null: cached tokens are billed at the input price. */
  cache_read_per_1m: number | null;
  cache_write_per_1m: number | null;
  latency_ms: number;
  quality: number;
  context_tokens: number;
  capabilities: string[];
  enabled: boolean;
};

export function usePatchModel() {
  const invalidate = useInvalidateCatalog();
  return useMutation({
    mutationFn: ({ id, ...body }: Partial<ModelBody> & { id: string }) => api<ModelView>(`/api/admin/models/${id}`, { method: "PATCH", body }),
    onSettled: invalidate,
  });
}
