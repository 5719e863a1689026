import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { forbidden } from "@/lib/http/errors";
import { credentialsSchema } from "@/lib/users/schemas";
import { createUser, hasAdmin } from "@/lib/users/users";
import { isSignupEnabled } from "@/lib/system/settings";

export const POST = handler({ access: "public" }, async ({ req, db }) => {
  const body = await readJson(req, credentialsSchema);
  if (!(await hasAdmin(db))) throw forbidden("This instance has no admin yet: create it on the setup page first");
  if (!(await isSignupEnabled(db)))
    throw forbidden("Sign-up is switched off on this instance; ask an admin for an account");
  const user = await createUser(db, { email: body.email, password: body.password, role: "USER" });
  return Response.json({ id: user.id, email: user.email, role: user.role }, { status: 201 });
});
