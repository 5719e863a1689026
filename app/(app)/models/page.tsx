import { ModelsCatalog } from "@/components/models/models-catalog";
import { PageHeader } from "@/components/ui/primitives";
import { requirePage } from "@/app/_server/session";

export default async function ModelsPage() {
  await requirePage("user");
  return (
    <>
      <PageHeader
        title="Models"
        description="Every model you can use right now, with list prices per 1M tokens. Use the id with any OpenAI client, or an alias (auto, eco, balanced, precision) to let the router pick."
      />
      <ModelsCatalog />
    </>
  );
}
