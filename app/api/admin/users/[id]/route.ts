import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { keepOwnSession } from "@/lib/auth/session-cookie";
import { adminPatchUserSchema } from "@/lib/users/schemas";
import { updateUser } from "@/lib/users/users";
import { userView } from "@/lib/users/views";

export const PATCH = handler<{ id: string }>({ access: "admin" }, async ({ req, db, caller, params }) => {
  const body = await readJson(req, adminPatchUserSchema);
  const user = await updateUser(db, params.id, body);
  // A role change ends the user's sessions; an admin who changed their own role stays signed in here.
  const headers = user.disabled ? {} : await keepOwnSession(req, caller, params.id, user.sessionVersion);
  return Response.json(userView(user), { headers });
});
