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

/** Whether a USD amount is a whole number of micro-dollars (at most 6 decimals) in range: for schemas. */
export function isMicroDollars(usd: number): boolean {
  try {
    usdToMicros(usd);
    return true;
  } catch {
    return false;
  }
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

/**
 * The one way money is written on screen, from integer micro-USD: exact to the micro-dollar, so a
 * figure always matches the ledger and the statement. At least cents, at most 6 decimals, no
 * trailing zeros past the cents, thousands separated, ASCII minus for money owed:
 * $0.00, $0.000001, $0.001023, $4.99798, $1,234,567.891234, -$14.000003.
 * A fractional input (a chart tick between two micro-dollars) is rounded to the nearest one.
 */
export function formatUsd(micros: number | bigint): string {
  const p = parts(micros);
  if (!p) return "—";
  return `${p.negative ? "-" : ""}$${p.whole}.${p.frac.replace(/0+$/, "").padEnd(2, "0")}`;
}

/** Exact with an explicit sign, for ledger movements: +$10.00, -$0.000813, and $0.00 for nothing. */
export function formatUsdSigned(micros: number | bigint): string {
  const p = parts(micros);
  if (!p) return "—";
  const text = formatUsd(micros);
  return p.negative || (p.whole === "0" && /^0+$/.test(p.frac)) ? text : `+${text}`;
}

/**
 * Whole cents, rounded down ($4.99 for $4.99798), where there is room for no more (the header's
 * balance); pair it with formatUsd in a tooltip. Rounding up would show money that is not there.
 * A negative amount is a debt and is shown exact: cut to cents it would understate what is owed.
 */
export function formatUsdCents(micros: number | bigint): string {
  const p = parts(micros);
  if (!p) return "—";
  return p.negative ? formatUsd(micros) : `$${p.whole}.${p.frac.slice(0, 2)}`;
}

/**
 * A USD number (the API's unit: at most 6 decimals) or a dollar estimate, written as formatUsd
 * writes it. An estimate below half a micro-dollar reads "<$0.000001", never as free.
 */
export function formatUsdAmount(usd: number): string {
  if (!Number.isFinite(usd) || Math.abs(usd) >= Number.MAX_SAFE_INTEGER / MICROS_PER_USD) return "—";
  const micros = usdToMicros(usd.toFixed(6));
  return micros === 0 && usd !== 0 ? "<$0.000001" : formatUsd(micros);
}

function parts(micros: number | bigint): { negative: boolean; whole: string; frac: string } | null {
  if (typeof micros === "number" && !Number.isFinite(micros)) return null;
  const n = typeof micros === "bigint" ? micros : BigInt(Math.round(micros));
  const abs = n < 0n ? -n : n;
  return {
    negative: n < 0n,
    whole: (abs / 1_000_000n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ","),
    frac: (abs % 1_000_000n).toString().padStart(6, "0"),
  };
}
