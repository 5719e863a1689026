import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { revokeApiKey, updateApiKey } from "@/lib/keys/api-keys";
import { updateKeySchema } from "@/lib/keys/schemas";

export const PATCH = handler<{ id: string }>({ access: "user" }, async ({ req, db, caller, params }) =>
  updateApiKey(db, caller.userId, params.id, await readJson(req, updateKeySchema)),
);

export const DELETE = handler<{ id: string }>({ access: "user" }, async ({ db, caller, params }) => {
  await revokeApiKey(db, caller.userId, params.id);
  return null;
});
