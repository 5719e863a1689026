"use client";
import { useMutation } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { Alert, Button, Field, Input } from "@/components/ui/primitives";
import { exactUsd, micros, signedUsd } from "./money";

type GrantResult = { id: string; type: "GRANT" | "CORRECTION"; amount_usd: number; balance_after_usd: number };

/** Admin: add credits to a user's account (positive) or correct them (negative), with a reason for the ledger. */
export function GrantCredits({ userId, email, onClose }: { userId: string; email: string; onClose: () => void }) {
  const id = useId();
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const grant = useMutation({
    mutationFn: (body: { amount_usd: number; reason: string }) => api<GrantResult>(`/api/admin/users/${userId}/credits`, { body }),
    onSuccess: () => {
      setAmount("");
      setReason("");
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setLocalError(null);
    const text = amount.trim();
    if (!/^-?\d+(\.\d{1,6})?$/.test(text) || Number(text) === 0) return setLocalError("Enter a non-zero amount in USD (at most 6 decimals); negative corrects the balance down.");
    if (reason.trim().length < 3) return setLocalError("Give a reason (at least 3 characters); it is recorded in the user's statement.");
    grant.mutate({ amount_usd: Number(text), reason: reason.trim() });
  }

  const edited = () => {
    setLocalError(null);
    if (!grant.isPending) grant.reset();
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Grant or correct credits" className="space-y-3 rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-40">
          <Field label="Amount (USD)" htmlFor={`${id}-amount`} hint="Negative to correct down">
            <Input id={`${id}-amount`} type="text" inputMode="decimal" placeholder="e.g. 5 or -2.50" value={amount} onChange={(e) => { setAmount(e.target.value); edited(); }} />
          </Field>
        </div>
        <div className="min-w-48 flex-1">
          <Field label="Reason" htmlFor={`${id}-reason`} hint="Shown on the user's statement">
            <Input id={`${id}-reason`} maxLength={500} placeholder="e.g. welcome credit" value={reason} onChange={(e) => { setReason(e.target.value); edited(); }} />
          </Field>
        </div>
        <div className="mb-5 flex gap-2">
          <Button type="submit" disabled={grant.isPending}>{grant.isPending ? "Applying…" : "Apply"}</Button>
          <Button type="button" variant="ghost" onClick={onClose}>Close</Button>
        </div>
      </div>
      {grant.data && (
        <Alert kind="success">
          {grant.data.type === "GRANT" ? "Granted" : "Corrected"} {signedUsd(micros(grant.data.amount_usd))}; {email}&apos;s balance is now {exactUsd(micros(grant.data.balance_after_usd))}.
        </Alert>
      )}
      {(localError || grant.error) && <Alert>{localError ?? grant.error?.message}</Alert>}
    </form>
  );
}
