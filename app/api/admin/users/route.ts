import { handler } from "@/lib/http/handler";
import { parseQuery, readJson } from "@/lib/http/body";
import { adminCreateUserSchema } from "@/lib/users/schemas";
import { createUser } from "@/lib/users/users";
import { userView } from "@/lib/users/views";
import { adminUserList, adminUsersQuerySchema } from "@/lib/users/admin-list";

export const GET = handler({ access: "admin" }, async ({ req, db }) =>
  adminUserList(db, parseQuery(req, adminUsersQuerySchema)),
);

export const POST = handler({ access: "admin" }, async ({ req, db }) => {
  const body = await readJson(req, adminCreateUserSchema);
  return Response.json(userView(await createUser(db, body)), { status: 201 });
});
