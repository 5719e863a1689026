import { handler } from "@/lib/http/handler";
import { revokeApiKey } from "@/lib/keys/api-keys";

export const DELETE = handler<{ id: string }>({ access: "user" }, async ({ db, caller, params }) => {
  await revokeApiKey(db, caller.userId, params.id);
  return null;
});
