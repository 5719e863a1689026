import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { renewedSessionCookie, sessionSecret } from "@/lib/auth/session-cookie";
import { changePasswordSchema } from "@/lib/users/schemas";
import { changePassword } from "@/lib/users/users";

export const PUT = handler({ access: "user" }, async ({ req, db, caller }) => {
  const body = await readJson(req, changePasswordSchema);
  const sessionVersion = await changePassword(db, caller.userId, body.current_password, body.new_password);
  // Every session from before the change has ended; the browser that made it stays signed in.
  const cookie = caller.apiKeyId ? null : await renewedSessionCookie(req.headers.get("cookie"), sessionSecret(), sessionVersion);
  return new Response(null, { status: 204, headers: cookie ? { "set-cookie": cookie } : {} });
});
