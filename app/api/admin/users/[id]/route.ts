import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { renewedSessionCookie, sessionSecret } from "@/lib/auth/session-cookie";
import { adminPatchUserSchema } from "@/lib/users/schemas";
import { updateUser } from "@/lib/users/users";
import { userView } from "@/lib/users/views";

export const PATCH = handler<{ id: string }>({ access: "admin" }, async ({ req, db, caller, params }) => {
  const body = await readJson(req, adminPatchUserSchema);
  const user = await updateUser(db, params.id, body);
  // A role change ends the user's sessions; an admin who changed their own role stays signed in here.
  const self = params.id === caller.userId && !caller.apiKeyId && !user.disabled;
  const cookie = self ? await renewedSessionCookie(req.headers.get("cookie"), sessionSecret(), user.sessionVersion) : null;
  return Response.json(userView(user), { headers: cookie ? { "set-cookie": cookie } : {} });
});
