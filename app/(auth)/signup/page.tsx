import Link from "next/link";
import { redirect } from "next/navigation";
import { CredentialsForm } from "@/components/auth/credentials-form";
import { Alert } from "@/components/ui/primitives";
import { db } from "@/lib/db/client";
import { hasAdmin } from "@/lib/users/users";
import { isSignupEnabled } from "@/lib/system/settings";

export const dynamic = "force-dynamic";

export default async function SignupPage() {
  if (!(await hasAdmin(db()))) redirect("/setup");
  const enabled = await isSignupEnabled(db());
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Create an account</h1>
      {enabled ? (
        <CredentialsForm mode="signup" />
      ) : (
        <Alert kind="info">Sign-up is switched off on this instance. Ask an admin for an account.</Alert>
      )}
      <p className="mt-4 text-center text-sm text-slate-600">
        Have an account?{" "}
        <Link href="/login" className="font-medium text-indigo-700 hover:underline">
          Sign in
        </Link>
      </p>
    </>
  );
}
