import { handler } from "@/lib/http/handler";
import { usageOfRequest } from "@/lib/usage/queries";

export const GET = handler<{ id: string }>({ access: "user" }, async ({ db, caller, params }) =>
  usageOfRequest(db, caller.userId, params.id),
);
