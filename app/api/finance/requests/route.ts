import { handler } from "@/lib/http/handler";
import { parseQuery } from "@/lib/http/body";
import { financeRange } from "@/lib/finance/range";
import { financeRequests, financeRequestsQuerySchema } from "@/lib/finance/requests";

export const GET = handler({ access: "finance" }, async ({ req, db }) => {
  const q = parseQuery(req, financeRequestsQuerySchema);
  return financeRequests(db, financeRange(q), q);
});
