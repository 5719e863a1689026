"use client";
import { useMutation } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { Alert, Button, Field, Input } from "@/components/ui/primitives";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import { adminGrantSchema } from "@/lib/ledger/schemas";
import { formatUsdAmount, formatUsdSigned, usdToMicros } from "@/lib/money/units";

type GrantResult = { id: string; type: "GRANT" | "CORRECTION"; amount_usd: number; balance_after_usd: number };

/** Admin: add credits to a user's account (positive) or correct them (negative), with a reason for the ledger. */
export function GrantCredits({ userId, email, onClose }: { userId: string; email: string; onClose: () => void }) {
  const id = useId();
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const grant = useMutation({
    mutationFn: (body: { amount_usd: number; reason: string }) =>
      api<GrantResult>(`/api/admin/users/${userId}/credits`, { body }),
    onSuccess: () => {
      setAmount("");
      setReason("");
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const body = { amount_usd: amount.trim() === "" ? null : Number(amount.trim()), reason: reason.trim() };
    const check = validateFields(adminGrantSchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (check.ok) grant.mutate(check.data);
  }

  const edited = () => {
    setInvalid(null);
    if (!grant.isPending) grant.reset();
  };
  const errors = formErrors(invalid ?? grant.error, ["amount_usd", "reason"]);

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label="Grant or correct credits"
      className="space-y-3 rounded-md bg-slate-50 p-3 ring-1 ring-slate-200"
    >
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-40">
          <Field
            label="Amount (USD)"
            htmlFor={`${id}-amount`}
            hint="Negative to correct down"
            error={errors.of("amount_usd")}
          >
            <Input
              id={`${id}-amount`}
              type="text"
              inputMode="decimal"
              placeholder="e.g. 5 or -2.50"
              value={amount}
              onChange={(e) => {
                setAmount(e.target.value);
                edited();
              }}
              {...errors.aria("amount_usd", `${id}-amount`)}
            />
          </Field>
        </div>
        <div className="min-w-48 flex-1">
          <Field
            label="Reason"
            htmlFor={`${id}-reason`}
            hint="Shown on the user's statement"
            error={errors.of("reason")}
          >
            <Input
              id={`${id}-reason`}
              maxLength={500}
              placeholder="e.g. welcome credit"
              value={reason}
              onChange={(e) => {
                setReason(e.target.value);
                edited();
              }}
              {...errors.aria("reason", `${id}-reason`)}
            />
          </Field>
        </div>
        <div className="mb-5 flex gap-2">
          <Button type="submit" disabled={grant.isPending}>
            {grant.isPending ? "Applying…" : "Apply"}
          </Button>
          <Button type="button" variant="ghost" onClick={onClose}>
            Close
          </Button>
        </div>
      </div>
      {grant.data && (
        <Alert kind="success">
          {grant.data.type === "GRANT" ? "Granted" : "Corrected"} {formatUsdSigned(usdToMicros(grant.data.amount_usd))};{" "}
          {email}&apos;s balance is now {formatUsdAmount(grant.data.balance_after_usd)}.
        </Alert>
      )}
      <FormErrorSummary errors={errors} />
    </form>
  );
}
