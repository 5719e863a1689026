import { handler } from "@/lib/http/handler";
import { gateway } from "@/lib/gateway/context";
import { modelsList } from "@/lib/gateway/models-list";
import { loadCallerKeys } from "@/lib/byok/byok";

export const GET = handler({ access: "user", errors: "openai" }, async ({ db, caller }) => {
  const [catalog, keys] = await Promise.all([gateway().catalog.get(), loadCallerKeys(db, caller.userId)]);
  return modelsList(catalog, new Set(keys.keys()), caller.fences ?? null);
});
