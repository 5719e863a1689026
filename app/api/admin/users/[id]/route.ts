import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { adminPatchUserSchema } from "@/lib/users/schemas";
import { updateUser } from "@/lib/users/users";
import { userView } from "@/lib/users/views";

export const PATCH = handler<{ id: string }>({ access: "admin" }, async ({ req, db, params }) => {
  const body = await readJson(req, adminPatchUserSchema);
  return userView(await updateUser(db, params.id, body));
});
