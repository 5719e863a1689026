"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { splitCatalog, typicalCostByLevel, type ModelsResponse } from "@/lib/catalog/model-table";

/** The caller's usable models, their routing aliases and each power level's typical request cost. */
export function useModels() {
  return useQuery({
    queryKey: ["models"],
    queryFn: () => api<ModelsResponse>("/api/v1/models"),
    select: (list) => {
      const { aliases, models } = splitCatalog(list);
      return { aliases, models, typical: typicalCostByLevel(models) };
    },
  });
}
