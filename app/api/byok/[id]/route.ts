import { handler } from "@/lib/http/handler";
import { deleteByokKey } from "@/lib/byok/byok";

export const DELETE = handler<{ id: string }>({ access: "user" }, async ({ db, caller, params }) => {
  await deleteByokKey(db, caller.userId, params.id);
  return null;
});
