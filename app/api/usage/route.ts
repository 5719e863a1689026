import { handler } from "@/lib/http/handler";
import { parseQuery } from "@/lib/http/body";
import { usageQuerySchema, usageReport } from "@/lib/usage/queries";

export const GET = handler({ access: "user" }, async ({ req, db, caller }) =>
  usageReport(db, caller.userId, parseQuery(req, usageQuerySchema)),
);
