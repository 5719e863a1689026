import { handler } from "@/lib/http/handler";
import { gateway } from "@/lib/gateway/context";
import { modelsList } from "@/lib/gateway/models-list";
import { loadCallerKeys } from "@/lib/byok/byok";

export const GET = handler({ access: "user", errors: "openai" }, async ({ db, caller }) => {
  const g = gateway();
  const [catalog, keys, down] = await Promise.all([g.catalog.get(), loadCallerKeys(db, caller.userId), g.checks?.down() ?? new Set<string>()]);
  return modelsList(catalog, new Set(keys.keys()), caller.fences ?? null, (id) => (down.has(id) ? "down" : g.breakers.isOpen(id) ? "circuit_open" : "up"));
});
