import { ProvidersAdmin } from "@/components/admin/providers/providers-admin";
import { PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function AdminProvidersPage() {
  await requirePage("admin");
  return (
    <>
      <PageHeader
        title="Providers"
        description="Upstream providers, their health and keys, and the model catalog the router chooses from."
      />
      <ProvidersAdmin />
    </>
  );
}
