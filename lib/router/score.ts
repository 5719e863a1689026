/**
 * Step 6, scoring and ranking. Each candidate gets three 0..1 scores, normalised across the
 * candidates being compared (the pool):
 *  - cost: what the caller is charged; log-scaled min-max (prices differ by ratios, so 0.2¢ vs
 *    0.4¢ matters as much as 2¢ vs 4¢), cheapest = 1; all equal (including all free) = 1 for all.
 *  - latency: catalog first-token ms, linear min-max, fastest = 1; all equal = 1.
 *  - quality: quality / 10.
 * The weighted sum (weights sum to 1) plus bonuses (task strength, BYOK, rule preference) minus a
 * reliability penalty is the ranking key; `composite` is that key scaled into 0..1.
 * Ties: provider priority (higher first), then public model id.
 *
 * Arrays here are indexed by the model's index in the prepared catalog; a pool is a list of
 * such indices.
 */
import { POWER_LEVEL_WEIGHTS } from "./catalog-defaults.ts";
import { TASK_CAPABILITY_BONUS, TASK_NAME_BONUS } from "./catalog.ts";
import type { CandidateScores, PowerLevel, QualityTier, RoutingWeights } from "./types.ts";

export const BYOK_BONUS = 0.1;
export const PREFER_BONUS = 0.2;
/** Penalty per unit of failure rate: 80% success costs 0.05. */
export const RELIABILITY_PENALTY = 0.25;
export const MAX_BONUS = TASK_NAME_BONUS + TASK_CAPABILITY_BONUS + BYOK_BONUS + PREFER_BONUS;
const SCALE = 1 / (1 + MAX_BONUS);

export const QUALITY_FLOOR: Readonly<Record<QualityTier, number>> = { basic: 0, good: 8.0, best: 9.0 };

type Nums = ArrayLike<number>;

/** The caller's weights normalised to sum 1, or the level's weights when unset or unusable. */
export function resolveWeights(level: PowerLevel, custom: RoutingWeights | null | undefined): RoutingWeights {
  if (custom) {
    const c = nonNeg(custom.cost);
    const l = nonNeg(custom.latency);
    const q = nonNeg(custom.quality);
    const sum = c + l + q;
    if (sum > 0) return { cost: c / sum, latency: l / sum, quality: q / sum };
  }
  return { ...POWER_LEVEL_WEIGHTS[level] };
}

/** The per-model bonus: task strength, BYOK, rule preference, minus the reliability penalty. */
export function bonusOf(taskBonus: number, byok: boolean, preferred: boolean, successRate: number): number {
  return taskBonus + (byok ? BYOK_BONUS : 0) + (preferred ? PREFER_BONUS : 0) - (1 - successRate) * RELIABILITY_PENALTY;
}

export interface Normalizer {
  logMin: number;
  logSpan: number;
  minLatency: number;
  latencySpan: number;
}

/** Min/max of cost and latency over the pool. */
export function makeNormalizer(pool: Nums, count: number, charged: Nums, latency: Nums): Normalizer {
  let minC = Infinity;
  let maxC = -Infinity;
  let minL = Infinity;
  let maxL = -Infinity;
  for (let k = 0; k < count; k++) {
    const i = pool[k]!;
    const c = charged[i]!;
    const l = latency[i]!;
    if (c < minC) minC = c;
    if (c > maxC) maxC = c;
    if (l < minL) minL = l;
    if (l > maxL) maxL = l;
  }
  const logMin = Math.log1p(minC);
  return { logMin, logSpan: Math.log1p(maxC) - logMin, minLatency: minL, latencySpan: maxL - minL };
}

export function costScore(nz: Normalizer, chargedMicros: number): number {
  return nz.logSpan > 0 ? 1 - (Math.log1p(chargedMicros) - nz.logMin) / nz.logSpan : 1;
}

export function latencyScore(nz: Normalizer, latencyMs: number): number {
  return nz.latencySpan > 0 ? 1 - (latencyMs - nz.minLatency) / nz.latencySpan : 1;
}

/** The unscaled ranking value (weighted sum plus bonus). */
export function rawScore(
  nz: Normalizer,
  w: RoutingWeights,
  chargedMicros: number,
  latencyMs: number,
  quality: number,
  bonus: number,
): number {
  return (
    w.cost * costScore(nz, chargedMicros) +
    w.latency * latencyScore(nz, latencyMs) +
    w.quality * clamp01(quality / 10) +
    bonus
  );
}

/** Rounded so float noise never decides between "equal" candidates: the tie-breaks do. */
export function rankKey(raw: number): number {
  return Math.round(raw * 1e9);
}

export function scoresOf(
  nz: Normalizer,
  w: RoutingWeights,
  chargedMicros: number,
  latencyMs: number,
  quality: number,
  bonus: number,
): CandidateScores {
  const cost = costScore(nz, chargedMicros);
  const latency = latencyScore(nz, latencyMs);
  const q = clamp01(quality / 10);
  const raw = w.cost * cost + w.latency * latency + w.quality * q + bonus;
  return { composite: clamp01(raw * SCALE), cost, latency, quality: q };
}

/** Ranking order of two models: rank key, then provider priority, then public id (`idOrder`). */
export function ranksBefore(a: number, b: number, rank: Nums, priority: Nums, idOrder: Nums): boolean {
  const ra = rank[a]!;
  const rb = rank[b]!;
  if (ra !== rb) return ra > rb;
  const pa = priority[a]!;
  const pb = priority[b]!;
  if (pa !== pb) return pa > pb;
  return idOrder[a]! < idOrder[b]!;
}

let bestOfProvider = new Int32Array(64).fill(-1);
let heads = new Int32Array(64);
let taken = new Uint8Array(1024);

/**
 * The chain, best first: the best model overall, then each other provider's best in rank order
 * (a provider not yet in the chain comes before a second model of one already in it), then the
 * remaining models in rank order; at most `maxLength`. Runs in O(maxLength × pool) without
 * sorting the pool. `priority` is per model (the provider's priority).
 */
export function selectChain(
  pool: Nums,
  count: number,
  rank: Nums,
  priority: Nums,
  idOrder: Nums,
  providerOf: Nums,
  providerCount: number,
  maxLength: number,
): number[] {
  const chain: number[] = [];
  if (count === 0 || maxLength <= 0) return chain;
  if (bestOfProvider.length < providerCount) {
    bestOfProvider = new Int32Array(providerCount * 2).fill(-1);
    heads = new Int32Array(providerCount * 2);
  }
  // Each provider's best model; `heads` lists the providers seen, then their bests.
  let nHeads = 0;
  for (let k = 0; k < count; k++) {
    const i = pool[k]!;
    const p = providerOf[i]!;
    const cur = bestOfProvider[p]!;
    if (cur === -1) {
      heads[nHeads++] = p;
      bestOfProvider[p] = i;
    } else if (ranksBefore(i, cur, rank, priority, idOrder)) bestOfProvider[p] = i;
  }
  for (let h = 0; h < nHeads; h++) {
    const p = heads[h]!;
    heads[h] = bestOfProvider[p]!;
    bestOfProvider[p] = -1;
  }

  // Each provider's best, in rank order.
  while (chain.length < maxLength && chain.length < nHeads) {
    let best = -1;
    let at = -1;
    for (let h = 0; h < nHeads; h++) {
      const i = heads[h]!;
      if (i !== -1 && (best === -1 || ranksBefore(i, best, rank, priority, idOrder))) {
        best = i;
        at = h;
      }
    }
    chain.push(best);
    heads[at] = -1;
  }
  if (chain.length >= maxLength || chain.length === count) return chain;

  // Then everything else, in rank order.
  let maxIndex = 0;
  for (let k = 0; k < count; k++) if (pool[k]! > maxIndex) maxIndex = pool[k]!;
  if (taken.length <= maxIndex) taken = new Uint8Array((maxIndex + 1) * 2);
  for (const i of chain) taken[i] = 1;
  while (chain.length < maxLength && chain.length < count) {
    let best = -1;
    for (let k = 0; k < count; k++) {
      const i = pool[k]!;
      if (!taken[i] && (best === -1 || ranksBefore(i, best, rank, priority, idOrder))) best = i;
    }
    taken[best] = 1;
    chain.push(best);
  }
  for (const i of chain) taken[i] = 0;
  return chain;
}

/**
 * The quality bar for the pool: the tier's floor, or when nothing reaches it the best quality
 * available (`unmet` then tells the caller to say so).
 */
export function qualityBar(
  pool: Nums,
  count: number,
  quality: Nums,
  tier: QualityTier | null | undefined,
): { bar: number; unmet: boolean; best: number } {
  const floor = tier ? QUALITY_FLOOR[tier] : 0;
  let best = -Infinity;
  for (let k = 0; k < count; k++) {
    const q = quality[pool[k]!]!;
    if (q > best) best = q;
  }
  if (floor <= 0) return { bar: 0, unmet: false, best };
  return best >= floor ? { bar: floor, unmet: false, best } : { bar: best, unmet: true, best };
}

function nonNeg(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
