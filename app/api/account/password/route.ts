import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { keepOwnSession } from "@/lib/auth/session-cookie";
import { changePasswordSchema } from "@/lib/users/schemas";
import { changePassword } from "@/lib/users/users";

export const PUT = handler({ access: "user" }, async ({ req, db, caller }) => {
  const body = await readJson(req, changePasswordSchema);
  const sessionVersion = await changePassword(db, caller.userId, body.current_password, body.new_password);
  // Every session from before the change has ended; the browser that made it stays signed in.
  return new Response(null, { status: 204, headers: await keepOwnSession(req, caller, caller.userId, sessionVersion) });
});
