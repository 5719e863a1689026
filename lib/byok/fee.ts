/**
 * The BYOK fee: what the platform charges, to the caller's credits, for a request served with the
 * caller's own provider key — a share of that request's provider cost at list prices (what it would
 * have cost on the platform's key). Set by an admin (PATCH /api/admin/settings `byok_fee_percent`),
 * stored in system_settings as whole basis points (1 bp = 0.01 %), default 0 (no fee).
 */
import type { Db } from "../db/client.ts";
import { TtlCache } from "../auth/identity-cache.ts";
import { getSetting, setSetting } from "../system/settings.ts";

export const BYOK_FEE_SETTING = "byok.fee_basis_points";
/** 100 % of the provider cost. */
export const MAX_BYOK_FEE_BASIS_POINTS = 10_000;
const FEE_TTL_MS = 1_000;

type SettingsDb = Pick<Db, "systemSetting">;

// On globalThis: Next bundles route handlers separately, and the admin's change in one route must
// clear the copy the gateway's route reads.
const holder = globalThis as unknown as { switchyardByokFee?: TtlCache<"fee", number> };
const cache = () => (holder.switchyardByokFee ??= new TtlCache<"fee", number>(() => FEE_TTL_MS));

/**
 * The fee in basis points (0..10000), read through a 1 s cache: a change made in this process
 * applies at once, one made by another process within a second. A stored value that is not a whole
 * number in range (edited by hand) counts as 0.
 */
export function byokFeeBasisPoints(db: SettingsDb): Promise<number> {
  return cache().through("fee", async () => {
    const raw = await getSetting<unknown>(db, BYOK_FEE_SETTING, 0);
    return typeof raw === "number" && Number.isInteger(raw) && raw >= 0 && raw <= MAX_BYOK_FEE_BASIS_POINTS ? raw : 0;
  });
}

/** Stores the fee (whole basis points, 0..10000) and clears this process's cached copy. */
export async function setByokFeeBasisPoints(db: SettingsDb, basisPoints: number): Promise<void> {
  if (!Number.isInteger(basisPoints) || basisPoints < 0 || basisPoints > MAX_BYOK_FEE_BASIS_POINTS)
    throw new RangeError(`BYOK fee must be 0..${MAX_BYOK_FEE_BASIS_POINTS} basis points, got ${basisPoints}`);
  await setSetting(db, BYOK_FEE_SETTING, basisPoints);
  cache().clear();
}

/** Percent (0..100, at most 2 decimals) as basis points. */
export const percentToBasisPoints = (percent: number): number => Math.round(percent * 100);
/** Basis points as percent: 550 → 5.5. */
export const basisPointsToPercent = (basisPoints: number): number => basisPoints / 100;

/** The fee on one request, in micro-USD: one rule, the router's (it prices holds with it too). */
export { byokFeeMicros } from "../router/money.ts";
