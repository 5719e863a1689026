/**
 * The cost functions: the router estimates with computeCostMicros (prompt bound + max output
 * tokens, the prompt at its dearest price), the gateway charges with invoiceCost (real token
 * counts by class), which agrees with computeCostMicros whenever no cache tokens are involved.
 * Integer arithmetic only.
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
export function costMicrosUnchecked(
  promptTokens: number,
  completionTokens: number,
  inputPricePer1M: number,
  outputPricePer1M: number,
): number {
  const total = promptTokens * inputPricePer1M + completionTokens * outputPricePer1M;
  // A product or sum above 2^53-1 rounds to >= 2^53, so this one check covers every step.
  if (total > Number.MAX_SAFE_INTEGER)
    return bigCost(BigInt(promptTokens), BigInt(completionTokens), BigInt(inputPricePer1M), BigInt(outputPricePer1M));
  // Exact: for total <= 2^53 - 1 the quotient is below 2^34, where half an ulp (<= 2^-20) is
  // smaller than the smallest possible fraction (1e-6), so rounding never lands on the integer
  // below a non-integer quotient and ceil of the rounded quotient is the true ceil.
  return Math.ceil(total / PER);
}

function bigCost(p: bigint, c: bigint, i: bigint, o: bigint): number {
  const total = p * i + c * o;
  return Number(total / PER_BIG + (total % PER_BIG > 0n ? 1n : 0n));
}

/** A request's tokens split the way providers invoice them; the prompt classes add up to the prompt. */
export type TokenClasses = { uncachedInput: number; cacheRead: number; cacheWrite: number; output: number };

/** Integer micro-USD per 1M tokens; a cache price that is null or absent is the input price. */
export type ClassPrices = { input: number; output: number; cacheRead?: number | null; cacheWrite?: number | null };

/** The total and its parts by class, integer micro-USD; the parts always sum exactly to the total. */
export type InvoiceCost = { total: number; input: number; cacheRead: number; cacheWrite: number; output: number };

/**
 * What a provider's invoice line says a request cost, by token class. The total is ONE ceiling
 * of the exact sum, ceil(Σ tokens × price / 1e6): a request without cache tokens costs exactly
 * computeCostMicros, and no class is rounded up on its own. Each part is its class's exact cost
 * rounded down, and the micro-dollars the total's ceiling added (at most one per class with a
 * fraction) go to the classes with the largest fractions, ties in the order input, cache read,
 * cache write, output — so every part is within one micro-dollar of its exact cost and the parts
 * sum to the total. Integer arithmetic, BigInt when a product would pass 2^53.
 */
export function invoiceCost(tokens: TokenClasses, prices: ClassPrices): InvoiceCost {
  const counts = [tokens.uncachedInput, tokens.cacheRead, tokens.cacheWrite, tokens.output];
  const rates = [prices.input, prices.cacheRead ?? prices.input, prices.cacheWrite ?? prices.input, prices.output];
  counts.forEach((v, i) => checkInt(v, CLASS_NAMES[i]!));
  rates.forEach((v, i) => checkInt(v, `${CLASS_NAMES[i]} price`));
  const products = counts.map((t, i) => t * rates[i]!);
  const exact = products.reduce((a, b) => a + b, 0);
  // Any product or the sum above 2^53-1 rounds to >= 2^53, so this one check covers every step.
  const split =
    exact > Number.MAX_SAFE_INTEGER
      ? bigSplit(counts, rates)
      : products.map((p) => [(p - (p % PER)) / PER, p % PER] as const);
  const parts = split.map(([floor]) => floor);
  const fractions = split.map(([, rest]) => rest);
  // ceil(Σ rest / 1e6): the fractions together, at most one micro-dollar per class that has one.
  const restSum = fractions.reduce((a, b) => a + b, 0);
  const extra = Math.ceil(restSum / PER);
  const order = [0, 1, 2, 3].sort((a, b) => fractions[b]! - fractions[a]! || a - b);
  for (let k = 0; k < extra; k++) parts[order[k]!]!++;
  const [input, cacheRead, cacheWrite, output] = parts as [number, number, number, number];
  return { total: input + cacheRead + cacheWrite + output, input, cacheRead, cacheWrite, output };
}

const CLASS_NAMES = ["uncachedInput", "cacheRead", "cacheWrite", "output"] as const;

/** Floors and remainders by class in BigInt; the floors come back as numbers (exact below 2^53 micro-USD). */
function bigSplit(counts: number[], rates: number[]): (readonly [number, number])[] {
  return counts.map((t, i) => {
    const p = BigInt(t) * BigInt(rates[i]!);
    return [Number(p / PER_BIG), Number(p % PER_BIG)] as const;
  });
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
