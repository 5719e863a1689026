import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { createApiKey, listApiKeys } from "@/lib/keys/api-keys";
import { createKeySchema } from "@/lib/keys/schemas";

export const GET = handler({ access: "user" }, async ({ db, caller }) => ({
  data: await listApiKeys(db, caller.userId),
}));

export const POST = handler({ access: "user" }, async ({ req, db, caller }) => {
  const created = await createApiKey(db, caller.userId, await readJson(req, createKeySchema));
  return Response.json(created, { status: 201 });
});
