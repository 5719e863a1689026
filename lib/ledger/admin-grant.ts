import { z } from "zod";
import type { Db } from "../db/client.ts";
import { notFound } from "../http/errors.ts";
import { microsToUsd, usdToMicros } from "../money/units.ts";
import { postEntry } from "./ledger.ts";
import type { adminGrantSchema } from "./schemas.ts";

export { adminGrantSchema } from "./schemas.ts";

/** A grant (positive) or correction (negative), always a ledger entry naming the admin and reason. */
export async function adminGrant(
  db: Db,
  adminId: string,
  adminEmail: string,
  userId: string,
  input: z.infer<typeof adminGrantSchema>,
) {
  if (!(await db.user.findUnique({ where: { id: userId }, select: { id: true } }))) throw notFound("User not found");
  const amountMicros = usdToMicros(input.amount_usd.toFixed(6));
  const entry = await postEntry(db, {
    userId,
    type: amountMicros > 0 ? "GRANT" : "CORRECTION",
    amountMicros,
    reference: `${amountMicros > 0 ? "grant" : "correction"} by ${adminEmail}: ${input.reason}`,
    actorUserId: adminId,
  });
  return {
    id: entry.id.toString(),
    type: amountMicros > 0 ? "GRANT" : "CORRECTION",
    amount_usd: microsToUsd(amountMicros),
    balance_after_usd: microsToUsd(entry.balanceAfterMicros),
  };
}
