"use client";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { api } from "@/components/api-client";
import { Alert, Button, Field, Input } from "@/components/ui/primitives";

export function ChangePasswordForm() {
  const change = useMutation({ mutationFn: (body: { current_password: string; new_password: string }) => api("/api/account/password", { method: "PUT", body }) });
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    change.mutate(
      { current_password: String(form.get("current") ?? ""), new_password: String(form.get("next") ?? "") },
      { onSuccess: () => formEl.reset() },
    );
  }
  return (
    <form onSubmit={onSubmit} className="max-w-sm space-y-4">
      {change.error && <Alert>{change.error.message}</Alert>}
      {change.isSuccess && <Alert kind="success">Password changed.</Alert>}
      <Field label="Current password" htmlFor="current"><Input id="current" name="current" type="password" autoComplete="current-password" required /></Field>
      <Field label="New password" htmlFor="next" hint="At least 8 characters."><Input id="next" name="next" type="password" autoComplete="new-password" required /></Field>
      <Button type="submit" disabled={change.isPending}>Change password</Button>
    </form>
  );
}
