"use client";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/primitives";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { providerPatchSchema } from "@/lib/catalog/schemas";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import type { ProviderView } from "./catalog-types";
import { usePatchProvider } from "./catalog-queries";
import { readSimulation, SIMULATION_FIELDS, SimulationFields } from "./simulation-fields";

/** Edits a simulated provider's behaviour, starting from its stored settings. */
export function SimulationForm({
  provider,
  onDone,
  onCancel,
}: {
  provider: ProviderView;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const patch = usePatchProvider(provider.id);
  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const errors = formErrors(invalid ?? patch.error, SIMULATION_FIELDS);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = { simulation: readSimulation(new FormData(event.currentTarget)) };
    const check = validateFields(providerPatchSchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (check.ok) patch.mutate(body, { onSuccess: () => onDone("Simulation settings saved.") });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      <SimulationFields idPrefix={`sim-${provider.id}`} initial={provider.simulation} errors={errors} />
      <FormErrorSummary errors={errors} />
      <div className="flex gap-2">
        <Button type="submit" disabled={patch.isPending}>
          {patch.isPending ? "Saving…" : "Save simulation"}
        </Button>
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
