import { BalanceSummary } from "@/components/credits/balance-summary";
import { BuyCredits } from "@/components/credits/buy-credits";
import { StatementTable } from "@/components/credits/statement-table";
import { PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function CreditsPage({ searchParams }: { searchParams: Promise<{ canceled?: string }> }) {
  await requirePage("user");
  const { canceled } = await searchParams;
  return (
    <>
      <PageHeader
        title="Credits"
        description="Prepaid credits pay for requests to platform models; each request is charged its exact cost, to the micro-dollar."
      />
      <div className="space-y-6">
        <BalanceSummary />
        <BuyCredits canceled={canceled === "1"} />
        <StatementTable />
      </div>
    </>
  );
}
