import { handler } from "@/lib/http/handler";
import { adminRequestDetail } from "@/lib/usage/admin-requests";

export const GET = handler<{ id: string }>({ access: "admin" }, async ({ db, params }) =>
  adminRequestDetail(db, params.id),
);
