"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { Button, Field, Input } from "@/components/ui/primitives";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import { credentialsSchema, MIN_PASSWORD_LENGTH, signInSchema } from "@/lib/users/schemas";

const SIGN_IN_ERRORS: Record<string, string> = { CredentialsSignin: "Wrong email or password." };

/**
 * One form for the three ways in: sign in, sign up (then sign in), and first-run admin setup
 * (then sign in).
 */
export function CredentialsForm({ mode }: { mode: "login" | "signup" | "setup" }) {
  const router = useRouter();
  const [error, setError] = useState<readonly FieldError[] | Error | null>(null);
  const errors = formErrors(error, ["email", "password"]);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    const check = validateFields(mode === "login" ? signInSchema : credentialsSchema, { email, password });
    setError(check.ok ? null : check.errors);
    if (!check.ok) return;
    setBusy(true);
    try {
      if (mode !== "login") await api(mode === "signup" ? "/api/signup" : "/api/setup", { body: { email, password } });
      const result = await signIn("credentials", { email, password, redirect: false });
      if (!result || result.error) {
        setError(new Error(SIGN_IN_ERRORS[result?.error ?? ""] ?? result?.error ?? "Sign-in failed."));
        return;
      }
      router.replace("/");
      router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err : new Error("Something went wrong."));
    } finally {
      setBusy(false);
    }
  }

  const submitLabel = { login: "Sign in", signup: "Create account", setup: "Create admin account" }[mode];
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormErrorSummary errors={errors} />
      <Field label="Email" htmlFor="email" error={errors.of("email")}>
        <Input id="email" name="email" type="email" autoComplete="email" required {...errors.aria("email", "email")} />
      </Field>
      <Field
        label="Password"
        htmlFor="password"
        hint={mode === "login" ? undefined : `At least ${MIN_PASSWORD_LENGTH} characters.`}
        error={errors.of("password")}
      >
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete={mode === "login" ? "current-password" : "new-password"}
          required
          {...errors.aria("password", "password")}
        />
      </Field>
      <Button type="submit" disabled={busy} className="w-full">
        {busy ? "Please wait…" : submitLabel}
      </Button>
    </form>
  );
}
