import { ChangePasswordForm } from "@/components/account/change-password-form";
import { Alert, Card, PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ notice?: string | string[] }> }) {
  const user = await requirePage("user");
  // Where an admin lands after taking away their own admin role (the Users page sends them here).
  const roleChanged = (await searchParams).notice === "role-changed" && user.role !== "ADMIN";
  return (
    <>
      <PageHeader title="Account" description={`${user.email} · ${user.role.toLowerCase()}`} />
      {roleChanged && (
        <div className="mb-6">
          <Alert kind="info">Your role is now {user.role}: the admin pages are no longer available to you.</Alert>
        </div>
      )}
      <Card title="Change password">
        <ChangePasswordForm />
      </Card>
    </>
  );
}
