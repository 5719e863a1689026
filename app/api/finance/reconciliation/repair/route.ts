import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { ApiError } from "@/lib/http/errors";
import { repairSchema, repairSession } from "@/lib/finance/repair";
import { stripeClient, stripeConfig } from "@/lib/stripe/client";

// Moves money: admins only (finance reads the books, it does not write them).
export const POST = handler({ access: "admin" }, async ({ req, db, caller }) => {
  const { session_id } = await readJson(req, repairSchema);
  const config = stripeConfig();
  if (!config)
    throw new ApiError(
      503,
      "purchases_not_configured",
      "Stripe is not configured on this instance (no STRIPE_SECRET_KEY)",
    );
  return repairSession(db, stripeClient(config), session_id, caller.userId);
});
