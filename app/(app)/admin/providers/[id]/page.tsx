import { ProviderDetail } from "@/components/admin/providers/provider-detail";
import { PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function AdminProviderHealthPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePage("admin");
  const { id } = await params;
  return (
    <>
      <PageHeader
        title="Provider health"
        description="How one provider is doing: now, over the last 24 hours, its recent failures and the last requests it served."
      />
      <ProviderDetail id={id} />
    </>
  );
}
