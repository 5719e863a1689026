import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { adminGrant, adminGrantSchema } from "@/lib/ledger/admin-grant";

export const POST = handler<{ id: string }>({ access: "admin" }, async ({ req, db, caller, params }) => {
  const body = await readJson(req, adminGrantSchema);
  return Response.json(await adminGrant(db, caller.userId, caller.email, params.id, body), { status: 201 });
});
