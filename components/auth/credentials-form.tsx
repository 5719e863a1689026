"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { Alert, Button, Field, Input } from "@/components/ui/primitives";

const SIGN_IN_ERRORS: Record<string, string> = { CredentialsSignin: "Wrong email or password." };

/**
 * One form for the three ways in: sign in, sign up (then sign in), and first-run admin setup
 * (then sign in).
 */
export function CredentialsForm({ mode }: { mode: "login" | "signup" | "setup" }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setBusy(true);
    setError(null);
    try {
      if (mode !== "login") await api(mode === "signup" ? "/api/signup" : "/api/setup", { body: { email, password } });
      const result = await signIn("credentials", { email, password, redirect: false });
      if (!result || result.error) {
        setError(SIGN_IN_ERRORS[result?.error ?? ""] ?? result?.error ?? "Sign-in failed.");
        return;
      }
      router.replace("/");
      router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Something went wrong.");
    } finally {
      setBusy(false);
    }
  }

  const submitLabel = { login: "Sign in", signup: "Create account", setup: "Create admin account" }[mode];
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {error && <Alert>{error}</Alert>}
      <Field label="Email" htmlFor="email">
        <Input id="email" name="email" type="email" autoComplete="email" required />
      </Field>
      <Field label="Password" htmlFor="password" hint={mode === "login" ? undefined : "At least 8 characters."}>
        <Input id="password" name="password" type="password" autoComplete={mode === "login" ? "current-password" : "new-password"} required />
      </Field>
      <Button type="submit" disabled={busy} className="w-full">{busy ? "Please wait…" : submitLabel}</Button>
    </form>
  );
}
