import { formatUsd, formatUsdCents, formatUsdSigned, usdToMicros } from "@/lib/money/units";

/**
 * Older names for the one money formatter (lib/money/units.ts), kept so every page writes amounts
 * the same way while callers move over. New code imports lib/money/units directly.
 */
export const micros = (usd: number): number => usdToMicros(usd);
export const exactUsd = formatUsd;
export const signedUsd = formatUsdSigned;
export const centsUsd = formatUsdCents;
