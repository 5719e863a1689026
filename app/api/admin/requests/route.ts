import { handler } from "@/lib/http/handler";
import { parseQuery } from "@/lib/http/body";
import { adminRequestList } from "@/lib/usage/admin-requests";
import { adminRequestsQuerySchema } from "@/lib/usage/admin-requests-query";

export const GET = handler({ access: "admin" }, async ({ req, db }) =>
  adminRequestList(db, parseQuery(req, adminRequestsQuerySchema)),
);
