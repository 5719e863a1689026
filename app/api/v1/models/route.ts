import { handler } from "@/lib/http/handler";
import { gateway } from "@/lib/gateway/context";
import { modelsList } from "@/lib/gateway/models-list";
import { loadCallerKeys } from "@/lib/byok/byok";
import { NO_CIRCUITS, providerStateOf } from "@/lib/health/shared-circuits";

export const GET = handler({ access: "user", errors: "openai" }, async ({ db, caller }) => {
  const g = gateway();
  const [catalog, keys, circuits] = await Promise.all([
    g.catalog.get(),
    loadCallerKeys(db, caller.userId),
    g.circuits?.snapshot() ?? NO_CIRCUITS,
  ]);
  return modelsList(
    catalog,
    new Set(keys.keys()),
    caller.fences ?? null,
    providerStateOf(circuits, (id) => g.breakers.isOpen(id)),
  );
});
