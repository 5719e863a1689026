import { ChangePasswordForm } from "@/components/account/change-password-form";
import { Card, PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function AccountPage() {
  const user = await requirePage("user");
  return (
    <>
      <PageHeader title="Account" description={`${user.email} · ${user.role.toLowerCase()}`} />
      <Card title="Change password"><ChangePasswordForm /></Card>
    </>
  );
}
