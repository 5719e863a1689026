import { handler } from "@/lib/http/handler";
import { listByokProviders } from "@/lib/byok/byok";

export const GET = handler({ access: "user" }, async ({ db, caller }) => ({ data: await listByokProviders(db, caller.userId) }));
