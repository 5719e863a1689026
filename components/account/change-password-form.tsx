"use client";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { Alert, Button, Field, Input } from "@/components/ui/primitives";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import { changePasswordSchema, MIN_PASSWORD_LENGTH } from "@/lib/users/schemas";

export function ChangePasswordForm() {
  const change = useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) =>
      api("/api/account/password", { method: "PUT", body }),
  });
  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const errors = formErrors(invalid ?? change.error, ["current_password", "new_password"]);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const body = { current_password: String(form.get("current") ?? ""), new_password: String(form.get("next") ?? "") };
    const check = validateFields(changePasswordSchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (check.ok) change.mutate(body, { onSuccess: () => formEl.reset() });
  }
  return (
    <form onSubmit={onSubmit} className="max-w-sm space-y-4" noValidate>
      <FormErrorSummary errors={errors} />
      {change.isSuccess && <Alert kind="success">Password changed.</Alert>}
      <Field label="Current password" htmlFor="current" error={errors.of("current_password")}>
        <Input
          id="current"
          name="current"
          type="password"
          autoComplete="current-password"
          required
          {...errors.aria("current_password", "current")}
        />
      </Field>
      <Field
        label="New password"
        htmlFor="next"
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        error={errors.of("new_password")}
      >
        <Input
          id="next"
          name="next"
          type="password"
          autoComplete="new-password"
          required
          {...errors.aria("new_password", "next")}
        />
      </Field>
      <Button type="submit" disabled={change.isPending}>
        Change password
      </Button>
    </form>
  );
}
