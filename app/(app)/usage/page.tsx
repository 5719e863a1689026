import { UsageDashboard } from "@/components/usage/usage-dashboard";
import { PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function UsagePage() {
  await requirePage("user");
  return (
    <>
      <PageHeader
        title="Usage"
        description="Your requests, tokens and spend, from the playground and your API keys, with what the same requests would have cost at PRECISION."
      />
      <UsageDashboard />
    </>
  );
}
