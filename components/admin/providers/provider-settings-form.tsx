"use client";
import { useState, type FormEvent } from "react";
import { Button, Field, Input } from "@/components/ui/primitives";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { PROVIDER_LIMITS as L, providerSettingsSchema } from "@/lib/catalog/schemas";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import type { ProviderView } from "./catalog-types";
import { usePatchProvider } from "./catalog-queries";
import { numberOrUndefined, splitList } from "./format";

const FIELDS = [
  "name",
  "base_url",
  "priority",
  "first_token_timeout_ms",
  "region",
  "compliance",
  "is_local",
  "requires_key",
];

/** Connection and routing settings of one provider (everything but the key and the simulation). */
export function ProviderSettingsForm({
  provider,
  onDone,
  onCancel,
}: {
  provider: ProviderView;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const patch = usePatchProvider(provider.id);
  const id = (name: string) => `${name}-${provider.id}`;
  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const errors = formErrors(invalid ?? patch.error, FIELDS);
  const field = (name: string) => ({ error: errors.of(name), aria: errors.aria(name, id(name)) });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = {
      name: String(form.get("name") ?? "").trim(),
      base_url: String(form.get("base_url") ?? "").trim(),
      priority: numberOrUndefined(form.get("priority")),
      first_token_timeout_ms: numberOrUndefined(form.get("first_token_timeout_ms")),
      region: String(form.get("region") ?? "").trim(),
      compliance: splitList(String(form.get("compliance") ?? "")),
      is_local: form.get("is_local") === "on",
      requires_key: form.get("requires_key") === "on",
    };
    const check = validateFields(providerSettingsSchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (check.ok) patch.mutate(body, { onSuccess: () => onDone("Settings saved.") });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      <Field label="Name" htmlFor={id("name")} error={field("name").error}>
        <Input
          id={id("name")}
          name="name"
          defaultValue={provider.name}
          required
          maxLength={L.name.maxLength}
          {...field("name").aria}
        />
      </Field>
      <Field label="Base URL" htmlFor={id("base_url")} error={field("base_url").error}>
        <Input
          id={id("base_url")}
          name="base_url"
          defaultValue={provider.base_url}
          required
          maxLength={L.base_url.maxLength}
          pattern="(https?|simulated)://.+"
          title="http(s)://… or simulated://…"
          inputMode="url"
          spellCheck={false}
          {...field("base_url").aria}
        />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field
          label="Priority"
          htmlFor={id("priority")}
          hint={`${L.priority.min}–${L.priority.max}, higher wins ties`}
          error={field("priority").error}
        >
          <Input
            id={id("priority")}
            name="priority"
            type="number"
            min={L.priority.min}
            max={L.priority.max}
            step={1}
            defaultValue={provider.priority}
            required
            {...field("priority").aria}
          />
        </Field>
        <Field
          label="First-token timeout (ms)"
          htmlFor={id("first_token_timeout_ms")}
          hint={`${L.first_token_timeout_ms.min}–${L.first_token_timeout_ms.max}`}
          error={field("first_token_timeout_ms").error}
        >
          <Input
            id={id("first_token_timeout_ms")}
            name="first_token_timeout_ms"
            type="number"
            min={L.first_token_timeout_ms.min}
            max={L.first_token_timeout_ms.max}
            step={1}
            defaultValue={provider.first_token_timeout_ms}
            required
            {...field("first_token_timeout_ms").aria}
          />
        </Field>
        <Field label="Region" htmlFor={id("region")} hint="e.g. us, eu, global" error={field("region").error}>
          <Input
            id={id("region")}
            name="region"
            defaultValue={provider.region}
            required
            maxLength={L.region.maxLength}
            {...field("region").aria}
          />
        </Field>
        <Field
          label="Compliance tags"
          htmlFor={id("compliance")}
          hint="comma-separated"
          error={field("compliance").error}
        >
          <Input
            id={id("compliance")}
            name="compliance"
            defaultValue={provider.compliance.join(", ")}
            {...field("compliance").aria}
          />
        </Field>
      </div>
      <div className="flex flex-wrap gap-x-5 gap-y-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="is_local" defaultChecked={provider.is_local} /> Local (eligible for
          privacy-required requests)
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="requires_key" defaultChecked={provider.requires_key} /> Needs an API key
        </label>
      </div>
      <FormErrorSummary errors={errors} />
      <div className="flex gap-2">
        <Button type="submit" disabled={patch.isPending}>
          {patch.isPending ? "Saving…" : "Save settings"}
        </Button>
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
