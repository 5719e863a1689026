import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { adminCreateUserSchema } from "@/lib/users/schemas";
import { createUser, listUsers } from "@/lib/users/users";
import { userView } from "@/lib/users/views";

export const GET = handler({ access: "admin" }, async ({ db }) => ({ data: (await listUsers(db)).map(userView) }));

export const POST = handler({ access: "admin" }, async ({ req, db }) => {
  const body = await readJson(req, adminCreateUserSchema);
  return Response.json(userView(await createUser(db, body)), { status: 201 });
});
