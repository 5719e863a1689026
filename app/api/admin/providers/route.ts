import { handler } from "@/lib/http/handler";
import { listProviderViews } from "@/lib/catalog/views";

export const GET = handler({ access: "admin" }, async ({ db }) => ({ data: await listProviderViews(db) }));
