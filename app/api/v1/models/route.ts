import { handler } from "@/lib/http/handler";
import { gateway } from "@/lib/gateway/context";
import { modelsList } from "@/lib/gateway/models-list";
import { loadCallerKeys } from "@/lib/byok/byok";

export const GET = handler({ access: "user", errors: "openai" }, async ({ db, caller }) => {
  const [catalog, keys, created] = await Promise.all([
    gateway().catalog.get(),
    loadCallerKeys(db, caller.userId),
    db.llmModel.findMany({ select: { id: true, createdAt: true } }),
  ]);
  const createdAt = new Map(created.map((m) => [m.id, Math.floor(m.createdAt.getTime() / 1000)]));
  return modelsList(catalog, new Set(keys.keys()), (id) => createdAt.get(id) ?? 0);
});
