"use client";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { Button, Field, Input, Select } from "@/components/ui/primitives";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import { adminCreateUserSchema, MIN_PASSWORD_LENGTH } from "@/lib/users/schemas";
import { ROLES } from "@/lib/router/types";

/** POST /api/admin/users, checked in the browser with the same schema first. */
export function AddUserForm({ onCreated }: { onCreated: () => void }) {
  const create = useMutation({
    mutationFn: (body: { email: string; password: string; role: string }) => api("/api/admin/users", { body }),
    onSuccess: onCreated,
  });
  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const errors = formErrors(invalid ?? create.error, ["email", "password", "role"]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const body = {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      role: String(form.get("role") ?? "USER"),
    };
    const check = validateFields(adminCreateUserSchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (check.ok) create.mutate(body, { onSuccess: () => formEl.reset() });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label="Add a user">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-48 flex-1">
          <Field label="Email" htmlFor="new-email" error={errors.of("email")}>
            <Input id="new-email" name="email" type="email" required {...errors.aria("email", "new-email")} />
          </Field>
        </div>
        <Field
          label="Password"
          htmlFor="new-password"
          hint={`At least ${MIN_PASSWORD_LENGTH} characters`}
          error={errors.of("password")}
        >
          <Input
            id="new-password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            {...errors.aria("password", "new-password")}
          />
        </Field>
        <Field label="Role" htmlFor="new-role" error={errors.of("role")}>
          <Select id="new-role" name="role" defaultValue="USER" {...errors.aria("role", "new-role")}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </Select>
        </Field>
        <Button type="submit" disabled={create.isPending} className="mt-6">
          Add user
        </Button>
      </div>
      <FormErrorSummary errors={errors} />
    </form>
  );
}
