import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { changePasswordSchema } from "@/lib/users/schemas";
import { changePassword } from "@/lib/users/users";

export const PUT = handler({ access: "user" }, async ({ req, db, caller }) => {
  const body = await readJson(req, changePasswordSchema);
  await changePassword(db, caller.userId, body.current_password, body.new_password);
  return null;
});
