import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { addByokKey, listByokKeys } from "@/lib/byok/byok";
import { addByokSchema } from "@/lib/byok/schemas";
import { masterKey } from "@/lib/crypto/master-key";

export const GET = handler({ access: "user" }, async ({ db, caller }) => ({
  data: await listByokKeys(db, caller.userId),
}));

export const POST = handler({ access: "user" }, async ({ req, db, caller }) => {
  const body = await readJson(req, addByokSchema);
  return Response.json(await addByokKey(db, caller.userId, body, masterKey()), { status: 201 });
});
