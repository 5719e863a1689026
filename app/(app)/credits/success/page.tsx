import Link from "next/link";
import { PurchaseStatusView } from "@/components/credits/purchase-status";
import { Alert, PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function PurchaseSuccessPage({
  searchParams,
}: {
  searchParams: Promise<{ session_id?: string | string[] }>;
}) {
  await requirePage("user");
  const { session_id } = await searchParams;
  const sessionId = typeof session_id === "string" ? session_id.trim() : "";
  return (
    <>
      <PageHeader
        title="Credit purchase"
        description="Stripe has sent you back; the credits are added when Stripe confirms the payment to Switchyard."
      />
      {sessionId ? (
        <PurchaseStatusView sessionId={sessionId} />
      ) : (
        <Alert>
          This page needs the checkout session Stripe returns with.{" "}
          <Link href="/credits" className="font-medium underline">
            Back to Credits
          </Link>
        </Alert>
      )}
    </>
  );
}
