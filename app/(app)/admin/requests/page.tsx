import { RequestsLog } from "@/components/admin/requests/requests-log";
import { PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function AdminRequestsPage() {
  await requirePage("admin");
  return (
    <>
      <PageHeader
        title="Requests"
        description="Every gateway request, newest first. Open one for its routing receipt and every provider it tried; filters stay in the URL, so a link shows the same requests."
      />
      <RequestsLog />
    </>
  );
}
