import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { adminCreateUserSchema } from "@/lib/users/schemas";
import { createUser, listUsers } from "@/lib/users/users";
import { userView } from "@/lib/users/views";
import { owedByUser } from "@/lib/ledger/receivables";
import { microsToUsd } from "@/lib/money/units";

export const GET = handler({ access: "admin" }, async ({ db }) => {
  const [users, owed] = await Promise.all([listUsers(db), owedByUser(db)]);
  return { data: users.map((u) => ({ ...userView(u), owed_usd: microsToUsd(owed.get(u.id) ?? 0) })) };
});

export const POST = handler({ access: "admin" }, async ({ req, db }) => {
  const body = await readJson(req, adminCreateUserSchema);
  return Response.json(userView(await createUser(db, body)), { status: 201 });
});
