import { handler } from "@/lib/http/handler";
import { parseQuery } from "@/lib/http/body";
import { financeRange, financeRangeSchema } from "@/lib/finance/range";
import { reconcile } from "@/lib/finance/reconciliation";
import { stripeClient, stripeConfig } from "@/lib/stripe/client";

export const GET = handler({ access: "finance" }, async ({ req, db }) => {
  const config = stripeConfig();
  return reconcile(db, financeRange(parseQuery(req, financeRangeSchema)), config ? stripeClient(config) : null);
});
