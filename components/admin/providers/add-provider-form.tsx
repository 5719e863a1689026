"use client";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { Button, Field, Input, Select } from "@/components/ui/primitives";
import { PROVIDER_LIMITS as L, providerBodySchema, type ProviderBodyInput } from "@/lib/catalog/schemas";
import { PROVIDER_KINDS, type ProviderKindName } from "@/lib/catalog/provider-kinds";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import type { ProviderView } from "./catalog-types";
import { useInvalidateCatalog } from "./catalog-queries";
import { numberOrUndefined, splitList } from "./format";
import { readSimulation, SIMULATION_FIELDS, SimulationFields } from "./simulation-fields";

const FIELDS = [
  "slug",
  "name",
  "kind",
  "base_url",
  "api_key",
  "priority",
  "first_token_timeout_ms",
  "region",
  "compliance",
  ...SIMULATION_FIELDS,
];

const URL_PLACEHOLDER: Record<ProviderKindName, string> = {
  "openai-compatible": "https://api.example.com/v1",
  anthropic: "https://api.anthropic.com",
  simulated: "simulated://my-sim",
};

/** POST /api/admin/providers. A key given here is stored sealed and shown only by its prefix. */
export function AddProviderForm({ onCreated }: { onCreated: (provider: ProviderView) => void }) {
  const [kind, setKind] = useState<ProviderKindName>("openai-compatible");
  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const invalidate = useInvalidateCatalog();
  const create = useMutation({
    mutationFn: (body: ProviderBodyInput) => api<ProviderView>("/api/admin/providers", { body }),
    onSuccess: (created) => {
      invalidate();
      onCreated(created);
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const apiKey = String(form.get("api_key") ?? "").trim();
    const body = {
      slug: String(form.get("slug") ?? "").trim(),
      name: String(form.get("name") ?? "").trim(),
      kind,
      base_url: String(form.get("base_url") ?? "").trim(),
      ...(apiKey ? { api_key: apiKey } : {}),
      enabled: form.get("enabled") === "on",
      priority: numberOrUndefined(form.get("priority")),
      is_local: form.get("is_local") === "on",
      region: String(form.get("region") ?? "").trim(),
      compliance: splitList(String(form.get("compliance") ?? "")),
      first_token_timeout_ms: numberOrUndefined(form.get("first_token_timeout_ms")),
      ...(kind === "simulated" ? { simulation: readSimulation(form) } : {}),
    };
    const check = validateFields(providerBodySchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (check.ok) create.mutate(body);
  }

  const errors = formErrors(invalid ?? create.error, FIELDS);

  return (
    <form onSubmit={onSubmit} className="space-y-3" autoComplete="off" noValidate>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Slug"
          htmlFor="np-slug"
          hint="lowercase letters, digits, dashes; used in model ids"
          error={errors.of("slug")}
        >
          <Input
            id="np-slug"
            name="slug"
            required
            maxLength={L.slug.maxLength}
            pattern="[a-z0-9][a-z0-9\-]*"
            spellCheck={false}
            {...errors.aria("slug", "np-slug")}
          />
        </Field>
        <Field label="Name" htmlFor="np-name" error={errors.of("name")}>
          <Input id="np-name" name="name" required maxLength={L.name.maxLength} {...errors.aria("name", "np-name")} />
        </Field>
        <Field label="Kind" htmlFor="np-kind" error={errors.of("kind")}>
          <Select
            id="np-kind"
            name="kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as ProviderKindName)}
            className="block w-full"
            {...errors.aria("kind", "np-kind")}
          >
            {PROVIDER_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Base URL" htmlFor="np-base-url" error={errors.of("base_url")}>
          <Input
            id="np-base-url"
            name="base_url"
            required
            maxLength={L.base_url.maxLength}
            placeholder={URL_PLACEHOLDER[kind]}
            pattern="(https?|simulated)://.+"
            title="http(s)://… or simulated://…"
            inputMode="url"
            spellCheck={false}
            {...errors.aria("base_url", "np-base-url")}
          />
        </Field>
        {kind !== "simulated" && (
          <div className="sm:col-span-2">
            <Field
              label="Platform key (optional)"
              htmlFor="np-key"
              hint="Without one, users need their own key (BYOK) unless the provider is local."
              error={errors.of("api_key")}
            >
              <Input
                id="np-key"
                name="api_key"
                type="password"
                maxLength={L.api_key.maxLength}
                autoComplete="new-password"
                spellCheck={false}
                {...errors.aria("api_key", "np-key")}
              />
            </Field>
          </div>
        )}
        <Field
          label="Priority"
          htmlFor="np-priority"
          hint={`${L.priority.min}–${L.priority.max}, higher wins ties`}
          error={errors.of("priority")}
        >
          <Input
            id="np-priority"
            name="priority"
            type="number"
            min={L.priority.min}
            max={L.priority.max}
            step={1}
            defaultValue={L.priority.default}
            required
            {...errors.aria("priority", "np-priority")}
          />
        </Field>
        <Field label="First-token timeout (ms)" htmlFor="np-timeout" error={errors.of("first_token_timeout_ms")}>
          <Input
            id="np-timeout"
            name="first_token_timeout_ms"
            type="number"
            min={L.first_token_timeout_ms.min}
            max={L.first_token_timeout_ms.max}
            step={1}
            defaultValue={L.first_token_timeout_ms.default}
            required
            {...errors.aria("first_token_timeout_ms", "np-timeout")}
          />
        </Field>
        <Field label="Region" htmlFor="np-region" error={errors.of("region")}>
          <Input
            id="np-region"
            name="region"
            defaultValue={L.region.default}
            required
            maxLength={L.region.maxLength}
            {...errors.aria("region", "np-region")}
          />
        </Field>
        <Field
          label="Compliance tags"
          htmlFor="np-compliance"
          hint="comma-separated, optional"
          error={errors.of("compliance")}
        >
          <Input id="np-compliance" name="compliance" {...errors.aria("compliance", "np-compliance")} />
        </Field>
      </div>
      <div className="flex flex-wrap gap-x-5 gap-y-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="enabled" defaultChecked /> Enabled
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="is_local" /> Local (eligible for privacy-required requests)
        </label>
      </div>
      {kind === "simulated" && (
        <fieldset className="space-y-2 rounded-md p-3 ring-1 ring-amber-200">
          <legend className="px-1 text-sm font-medium text-amber-900">Simulation</legend>
          <SimulationFields idPrefix="np-sim" errors={errors} />
        </fieldset>
      )}
      <FormErrorSummary errors={errors} />
      <Button type="submit" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create provider"}
      </Button>
    </form>
  );
}
