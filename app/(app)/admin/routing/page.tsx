import { RoutingAdmin } from "@/components/admin/routing/routing-admin";
import { PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function AdminRoutingPage() {
  await requirePage("admin");
  return (
    <>
      <PageHeader
        title="Routing"
        description="Rules that pin, prefer, exclude or re-level requests before the router scores the catalog."
      />
      <RoutingAdmin />
    </>
  );
}
