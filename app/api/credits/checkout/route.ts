import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { ApiError } from "@/lib/http/errors";
import { publicOrigin } from "@/lib/http/origin";
import { stripeClient, stripeConfig } from "@/lib/stripe/client";
import { createCheckout } from "@/lib/stripe/checkout";
import { checkoutSchema } from "@/lib/stripe/schemas";

export const POST = handler({ access: "user" }, async ({ req, caller }) => {
  const body = await readJson(req, checkoutSchema);
  const config = stripeConfig();
  if (!config)
    throw new ApiError(
      503,
      "purchases_not_configured",
      "Credit purchases are not configured on this instance (no STRIPE_SECRET_KEY)",
    );
  return createCheckout(stripeClient(config), {
    userId: caller.userId,
    email: caller.email,
    amountUsd: body.amount_usd,
    origin: publicOrigin(req),
  });
});
