import { handler } from "@/lib/http/handler";
import { listByokProviders } from "@/lib/byok/byok";
import { basisPointsToPercent, byokFeeBasisPoints } from "@/lib/byok/fee";

/** Providers a user may bring a key for, and the fee (percent of the provider's list cost) requests on such keys are charged. */
export const GET = handler({ access: "user" }, async ({ db, caller }) => {
  const [data, fee] = await Promise.all([listByokProviders(db, caller.userId), byokFeeBasisPoints(db)]);
  return { data, byok_fee_percent: basisPointsToPercent(fee) };
});
