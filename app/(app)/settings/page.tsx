import { SettingsForm } from "@/components/settings/settings-form";
import { PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function SettingsPage() {
  await requirePage("user");
  return (
    <>
      <PageHeader
        title="Settings"
        description="Defaults the router applies to your requests, from the playground and from your API keys."
      />
      <SettingsForm />
    </>
  );
}
