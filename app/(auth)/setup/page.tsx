import { redirect } from "next/navigation";
import { CredentialsForm } from "@/components/auth/credentials-form";
import { db } from "@/lib/db/client";
import { hasAdmin } from "@/lib/users/users";

export const dynamic = "force-dynamic";

export default async function SetupPage() {
  if (await hasAdmin(db())) redirect("/login");
  return (
    <>
      <h1 className="mb-1 text-lg font-semibold">Welcome to Switchyard</h1>
      <p className="mb-4 text-sm text-slate-600">
        This instance has no admin yet. The account you create here becomes its administrator.
      </p>
      <CredentialsForm mode="setup" />
    </>
  );
}
