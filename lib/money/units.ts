/** Money is integer micro-USD everywhere inside; these are the only conversions, used at the edges. */

export const MICROS_PER_USD = 1_000_000;

/** USD (number or decimal string, at most 6 decimals) → integer micro-USD, without float drift. */
export function usdToMicros(usd: number | string): number {
  const text = typeof usd === "number" ? usd.toFixed(7) : usd.trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`not a USD amount: ${usd}`);
  const [, sign, whole, frac = ""] = match;
  if (frac.replace(/0+$/, "").length > 6) throw new RangeError(`more than 6 decimals (a micro-dollar): ${usd}`);
  const micros = Number(whole) * MICROS_PER_USD + Number(frac.padEnd(6, "0").slice(0, 6));
  if (!Number.isSafeInteger(micros)) throw new RangeError(`amount out of range: ${usd}`);
  return sign ? -micros : micros;
}

/** Integer micro-USD → USD number rounded to 6 decimals, for JSON and display. */
export function microsToUsd(micros: number | bigint): number {
  return Number(micros) / MICROS_PER_USD;
}

/** A DB BigInt money column → number, refusing values that would lose precision. */
export function toMicros(value: bigint | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`money value out of safe range: ${value}`);
  return n;
}

export function formatUsd(micros: number, digits = 2): string {
  const usd = micros / MICROS_PER_USD;
  const abs = Math.abs(usd);
  const shown = abs !== 0 && abs < 0.01 ? abs.toFixed(6).replace(/0+$/, "") : abs.toFixed(digits);
  return `${usd < 0 ? "-" : ""}$${shown}`;
}
