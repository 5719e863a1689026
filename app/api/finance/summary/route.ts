import { handler } from "@/lib/http/handler";
import { parseQuery } from "@/lib/http/body";
import { financeRange, financeRangeSchema } from "@/lib/finance/range";
import { financeSummary } from "@/lib/finance/summary";

export const GET = handler({ access: "finance" }, async ({ req, db }) =>
  financeSummary(db, financeRange(parseQuery(req, financeRangeSchema))),
);
