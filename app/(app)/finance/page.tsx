import { FinanceDashboard } from "@/components/finance/finance-dashboard";
import { PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function FinancePage() {
  const user = await requirePage("finance");
  return (
    <>
      <PageHeader
        title="Finance"
        description="Money in, usage charged, what providers are owed and the margin between, with the requests behind every figure and the books reconciled against Stripe."
      />
      <FinanceDashboard canRepair={user.role === "ADMIN"} />
    </>
  );
}
