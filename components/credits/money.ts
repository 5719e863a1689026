import { usdToMicros } from "@/lib/money/units";

/**
 * Money display for the credits and usage pages. The API sends USD numbers rounded to 6 decimals;
 * they become integer micro-USD here (exactly) and are formatted with integer arithmetic only.
 */

export const micros = (usd: number): number => usdToMicros(usd);

const group = (whole: number) => String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

function parts(amountMicros: number) {
  const abs = Math.abs(amountMicros);
  return { negative: amountMicros < 0, whole: Math.floor(abs / 1_000_000), frac: String(abs % 1_000_000).padStart(6, "0") };
}

/** Exact to the micro-dollar, at least cents: $10.00, $9.999187, $0.000813. */
export function exactUsd(amountMicros: number): string {
  const { negative, whole, frac } = parts(amountMicros);
  const shown = frac.replace(/0+$/, "").padEnd(2, "0");
  return `${negative ? "−" : ""}$${group(whole)}.${shown}`;
}

/** Exact with an explicit sign, for ledger amounts: +$10.00, −$0.000813. */
export function signedUsd(amountMicros: number): string {
  if (amountMicros === 0) return exactUsd(0);
  return `${amountMicros > 0 ? "+" : "−"}${exactUsd(Math.abs(amountMicros))}`;
}

/** Whole cents, rounded down so a balance is never overstated: $9.99 for $9.999187. */
export function centsUsd(amountMicros: number): string {
  const { negative, whole, frac } = parts(amountMicros);
  return `${negative ? "−" : ""}$${group(whole)}.${frac.slice(0, 2)}`;
}
