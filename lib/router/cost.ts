/**
 * The one cost function: the router estimates with it (prompt + max output tokens) and the ledger
 * charges with it (real token counts). Integer arithmetic only.
 */

const PER = 1_000_000;
const PER_BIG = 1_000_000n;

/**
 * ceil((promptTokens * inputPricePer1M + completionTokens * outputPricePer1M) / 1_000_000)
 * in integer micro-USD. Prices are integer micro-USD per 1M tokens. Accepts numbers (must be
 * non-negative safe integers) or bigints (e.g. straight from a BigInt DB column); returns a number.
 * Uses plain number arithmetic while every intermediate is exact, BigInt otherwise.
 */
export function computeCostMicros(
  promptTokens: number | bigint,
  completionTokens: number | bigint,
  inputPricePer1M: number | bigint,
  outputPricePer1M: number | bigint,
): number {
  if (
    typeof promptTokens === "number" &&
    typeof completionTokens === "number" &&
    typeof inputPricePer1M === "number" &&
    typeof outputPricePer1M === "number"
  ) {
    checkInt(promptTokens, "promptTokens");
    checkInt(completionTokens, "completionTokens");
    checkInt(inputPricePer1M, "inputPricePer1M");
    checkInt(outputPricePer1M, "outputPricePer1M");
    return costMicrosUnchecked(promptTokens, completionTokens, inputPricePer1M, outputPricePer1M);
  }
  return bigCost(
    toBig(promptTokens, "promptTokens"),
    toBig(completionTokens, "completionTokens"),
    toBig(inputPricePer1M, "inputPricePer1M"),
    toBig(outputPricePer1M, "outputPricePer1M"),
  );
}

/**
 * computeCostMicros for arguments already known to be non-negative safe integers (the router
 * validates the catalog once and the token counts once per decision).
 */
export function costMicrosUnchecked(promptTokens: number, completionTokens: number, inputPricePer1M: number, outputPricePer1M: number): number {
  const total = promptTokens * inputPricePer1M + completionTokens * outputPricePer1M;
  // A product or sum above 2^53-1 rounds to >= 2^53, so this one check covers every step.
  if (total > Number.MAX_SAFE_INTEGER) return bigCost(BigInt(promptTokens), BigInt(completionTokens), BigInt(inputPricePer1M), BigInt(outputPricePer1M));
  // Exact: for total <= 2^53 - 1 the quotient is below 2^34, where half an ulp (<= 2^-20) is
  // smaller than the smallest possible fraction (1e-6), so rounding never lands on the integer
  // below a non-integer quotient and ceil of the rounded quotient is the true ceil.
  return Math.ceil(total / PER);
}

function bigCost(p: bigint, c: bigint, i: bigint, o: bigint): number {
  const total = p * i + c * o;
  return Number(total / PER_BIG + (total % PER_BIG > 0n ? 1n : 0n));
}

/** Both prices zero: costs nothing whatever the token counts. */
export function isFreeModel(inputPricePer1M: number, outputPricePer1M: number): boolean {
  return inputPricePer1M === 0 && outputPricePer1M === 0;
}

function checkInt(v: number, name: string): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
}

function toBig(v: number | bigint, name: string): bigint {
  if (typeof v === "bigint") {
    if (v < 0n) throw new RangeError(`${name} must be non-negative, got ${v}`);
    return v;
  }
  checkInt(v, name);
  return BigInt(v);
}

/** Micro-USD as an exact dollar string for reasons: "$0", "$0.004999", "$12.5". */
export function formatMicros(micros: number): string {
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / 1_000_000);
  let frac = abs - whole * 1_000_000;
  const sign = micros < 0 ? "-$" : "$";
  if (frac === 0) return sign + whole;
  let digits = 6;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  return sign + whole + "." + String(frac).padStart(digits, "0");
}
