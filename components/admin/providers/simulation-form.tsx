"use client";
import type { FormEvent } from "react";
import { Alert, Button } from "@/components/ui/primitives";
import type { ProviderView } from "./catalog-types";
import { usePatchProvider } from "./catalog-queries";
import { readSimulation, SimulationFields } from "./simulation-fields";

/** Edits a simulated provider's behaviour, starting from its stored settings. */
export function SimulationForm({ provider, onDone, onCancel }: { provider: ProviderView; onDone: (message: string) => void; onCancel: () => void }) {
  const patch = usePatchProvider(provider.id);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    patch.mutate({ simulation: readSimulation(new FormData(event.currentTarget)) }, { onSuccess: () => onDone("Simulation settings saved.") });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <SimulationFields idPrefix={`sim-${provider.id}`} initial={provider.simulation} />
      {patch.error && <Alert>{patch.error.message}</Alert>}
      <div className="flex gap-2">
        <Button type="submit" disabled={patch.isPending}>{patch.isPending ? "Saving…" : "Save simulation"}</Button>
        <Button type="button" variant="ghost" onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
