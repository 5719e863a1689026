import { handler } from "@/lib/http/handler";
import { listModelViews } from "@/lib/catalog/views";

export const GET = handler({ access: "admin" }, async ({ db }) => ({ data: await listModelViews(db) }));
