import Link from "next/link";
import { redirect } from "next/navigation";
import { CredentialsForm } from "@/components/auth/credentials-form";
import { currentUser } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { hasAdmin } from "@/lib/users/users";
import { isSignupEnabled } from "@/lib/system/settings";

export const dynamic = "force-dynamic";

export default async function LoginPage() {
  if (!(await hasAdmin(db()))) redirect("/setup");
  if (await currentUser()) redirect("/");
  const signup = await isSignupEnabled(db());
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
      <CredentialsForm mode="login" />
      {signup && (
        <p className="mt-4 text-center text-sm text-slate-600">
          No account?{" "}
          <Link href="/signup" className="font-medium text-indigo-700 hover:underline">
            Sign up
          </Link>
        </p>
      )}
    </>
  );
}
