import { UsersAdmin } from "@/components/admin/users-admin";
import { PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function AdminUsersPage() {
  const user = await requirePage("admin");
  return (
    <>
      <PageHeader
        title="Users"
        description="Roles take effect on the user's next request; disabled users cannot sign in or use their keys."
      />
      <UsersAdmin selfId={user.id} />
    </>
  );
}
