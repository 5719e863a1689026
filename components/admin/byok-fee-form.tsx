"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { Alert, Button, Field, Input } from "@/components/ui/primitives";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import { byokFeeFormSchema } from "@/lib/system/schemas";

/** PATCH /api/admin/settings `byok_fee_percent`, checked in the browser with the same schema first. `current`: the fee when the form opened. */
export function ByokFeeForm({ current }: { current: number }) {
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: { byok_fee_percent: number }) =>
      api<{ byok_fee_percent: number }>("/api/admin/settings", { method: "PATCH", body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["admin-settings"] }),
  });
  const [value, setValue] = useState(String(current));
  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const errors = formErrors(invalid ?? save.error, ["byok_fee_percent"]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const raw = value.trim();
    const body = { byok_fee_percent: raw === "" ? undefined : Number(raw) };
    const check = validateFields(byokFeeFormSchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (check.ok) save.mutate(check.data);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      <p className="text-sm text-slate-600">
        Charged to a user&apos;s credits for each request served with their own provider key, as a share of that
        request&apos;s provider cost at list prices. Users see it on the Keys page before they add a key. 0 charges
        nothing.
      </p>
      <div className="flex flex-wrap items-start gap-3">
        <Field
          label="BYOK fee (% of provider cost)"
          htmlFor="byok-fee"
          hint="0 to 100, at most 2 decimals"
          error={errors.of("byok_fee_percent")}
        >
          <Input
            id="byok-fee"
            name="byok_fee_percent"
            type="number"
            inputMode="decimal"
            min={0}
            max={100}
            step={0.01}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            className="w-36"
            {...errors.aria("byok_fee_percent", "byok-fee")}
          />
        </Field>
        <Button type="submit" disabled={save.isPending} className="mt-6">
          {save.isPending ? "Saving…" : "Save fee"}
        </Button>
      </div>
      <FormErrorSummary errors={errors} />
      {save.isSuccess && (
        <Alert kind="success">
          {save.data.byok_fee_percent > 0
            ? `BYOK fee set to ${save.data.byok_fee_percent}% of the provider cost.`
            : "No BYOK fee: requests on users' own keys cost them no credits."}
        </Alert>
      )}
    </form>
  );
}
