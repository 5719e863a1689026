import { handler } from "@/lib/http/handler";
import { gateway } from "@/lib/gateway/context";
import { modelsList } from "@/lib/gateway/models-list";
import { loadCallerKeys } from "@/lib/byok/byok";
import { providerStateOf } from "@/lib/health/check-states";

export const GET = handler({ access: "user", errors: "openai" }, async ({ db, caller }) => {
  const g = gateway();
  const [catalog, keys, down] = await Promise.all([g.catalog.get(), loadCallerKeys(db, caller.userId), g.checks?.down() ?? new Set<string>()]);
  return modelsList(catalog, new Set(keys.keys()), caller.fences ?? null, providerStateOf(down, (id) => g.breakers.isOpen(id)));
});
