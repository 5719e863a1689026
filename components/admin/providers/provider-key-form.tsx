"use client";
import { useState, type FormEvent } from "react";
import { Button, Field, Input } from "@/components/ui/primitives";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { providerPatchSchema } from "@/lib/catalog/schemas";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import type { ProviderView } from "./catalog-types";
import { usePatchProvider } from "./catalog-queries";

/** Sets or replaces the platform key. The key goes in once; afterwards only its prefix is ever shown. */
export function ProviderKeyForm({
  provider,
  onDone,
  onCancel,
}: {
  provider: ProviderView;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const patch = usePatchProvider(provider.id);
  const inputId = `key-${provider.id}`;
  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const errors = formErrors(invalid ?? patch.error, ["api_key"]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const key = String(new FormData(formEl).get("api_key") ?? "").trim();
    const check = validateFields(providerPatchSchema, { api_key: key });
    setInvalid(check.ok ? null : check.errors);
    if (!check.ok) return;
    patch.mutate(
      { api_key: key },
      {
        onSuccess: () => {
          formEl.reset();
          onDone("Key saved. Only its prefix is shown from now on.");
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" autoComplete="off" noValidate>
      <Field
        label="Platform key"
        htmlFor={inputId}
        hint={
          provider.has_api_key
            ? "Replaces the stored key. Every user without their own key uses it."
            : "Every user without their own key uses it. It is stored encrypted and never shown again."
        }
        error={errors.of("api_key")}
      >
        <Input
          id={inputId}
          name="api_key"
          type="password"
          required
          maxLength={4096}
          autoComplete="new-password"
          spellCheck={false}
          {...errors.aria("api_key", inputId)}
        />
      </Field>
      <FormErrorSummary errors={errors} />
      <div className="flex gap-2">
        <Button type="submit" disabled={patch.isPending}>
          {patch.isPending ? "Saving…" : "Save key"}
        </Button>
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
