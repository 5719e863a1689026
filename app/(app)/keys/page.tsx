import { headers } from "next/headers";
import { KeysManager } from "@/components/keys/keys-manager";
import { ByokManager } from "@/components/keys/byok-manager";
import { PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function KeysPage() {
  await requirePage("user");
  const h = await headers();
  const baseUrl = `${h.get("x-forwarded-proto") ?? "http"}://${h.get("host") ?? "localhost:3000"}`;
  return (
    <>
      <PageHeader
        title="API keys"
        description="Gateway keys act as you, with your role. Only a hash is stored; the key itself is shown once."
      />
      <KeysManager baseUrl={baseUrl} />
      <ByokManager />
    </>
  );
}
