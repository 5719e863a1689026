import type { Db } from "../db/client.ts";
import { toMicros } from "../money/units.ts";

/**
 * What each account in debt owes, by user id: a negative balance left by a request whose real
 * cost exceeded its hold (see ledger.ts). Few accounts ever owe, so this reads only those rows.
 */
export async function owedByUser(db: Db): Promise<Map<string, number>> {
  const rows = await db.creditAccount.findMany({ where: { balanceMicros: { lt: 0n } }, select: { userId: true, balanceMicros: true } });
  return new Map(rows.map((r) => [r.userId, owedFromBalance(toMicros(r.balanceMicros))]));
}

/** What an account with this balance owes: the part below zero, else nothing. */
export function owedFromBalance(balanceMicros: number): number {
  return balanceMicros < 0 ? -balanceMicros : 0;
}
