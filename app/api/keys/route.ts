import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { createApiKey, listApiKeys } from "@/lib/keys/api-keys";
import { createKeySchema } from "@/lib/keys/schemas";

export const GET = handler({ access: "user" }, async ({ db, caller }) => ({ data: await listApiKeys(db, caller.userId) }));

export const POST = handler({ access: "user" }, async ({ req, db, caller }) => {
  const body = await readJson(req, createKeySchema);
  const created = await createApiKey(db, caller.userId, { name: body.name, expiresAt: body.expires_at ? new Date(body.expires_at) : null });
  return Response.json(created, { status: 201 });
});
