/**
 * The working memory of decideRoute: one per process, reused by every call and grown when a larger
 * catalog comes along, so a decision allocates nothing per model. decideRoute is synchronous, so
 * calls never overlap; nothing a decision returns points into these buffers.
 */
import type { PowerLevel } from "./types.ts";

/** Per-provider facts of one decision, indexed like `PreparedCatalog.providers`. */
export interface ProviderArrays {
  /** The provider-wide reason all its models are out (REASON.OK: none). */
  code: Uint8Array;
  /** The caller brings their own key for it. */
  byok: Uint8Array;
  /** A rule excludes it. */
  excluded: Uint8Array;
  /** A rule prefers it. */
  preferred: Uint8Array;
  successRate: Float64Array;
}

export interface Scratch {
  /** Per model index: the list-price estimate of this request, what the provider bills. */
  listCostMicros: Float64Array;
  /** Per model index: what the caller's credits are charged (with their own key, only the fee). */
  chargedMicros: Float64Array;
  /** Per model index: the rank key of each pool member. */
  rankKeys: Float64Array;
  /** Model indices that passed every check at the level used; one slot spare for a rule pin. */
  pool: Int32Array;
  poolSize: number;
  providerArrays: ProviderArrays;

  // What the level scan saw, summed over the levels it tried; the failure message reads them.
  /** Models past the hard filters (and the key's fence) but out on money or latency. */
  passedFilters: number;
  /** Of those, the ones out on latency alone, so money was not what stopped them. */
  passedMoney: number;
  /** The cheapest charge the caller's credits did not cover (Infinity: none). */
  cheapestUnaffordableMicros: number;
  /** The level asked for, when it had models that fit but the caller's credits cover none of them. */
  creditsShortAt: PowerLevel | null;

  /**
   * The explanation's own cost buffer: a decision's `excluded` is worked out when first read,
   * possibly between later decisions, so it never writes into theirs.
   */
  explainCostMicros: Float64Array;
}

function newProviderArrays(size: number): ProviderArrays {
  return {
    code: new Uint8Array(size),
    byok: new Uint8Array(size),
    excluded: new Uint8Array(size),
    preferred: new Uint8Array(size),
    successRate: new Float64Array(size),
  };
}

const scratch: Scratch = {
  listCostMicros: new Float64Array(0),
  chargedMicros: new Float64Array(0),
  rankKeys: new Float64Array(0),
  pool: new Int32Array(0),
  poolSize: 0,
  providerArrays: newProviderArrays(0),
  passedFilters: 0,
  passedMoney: 0,
  cheapestUnaffordableMicros: Infinity,
  creditsShortAt: null,
  explainCostMicros: new Float64Array(0),
};

/** The shared scratch, with room for a catalog of this size (grown to twice what is needed, so growth is rare). */
export function scratchFor(modelCount: number, providerCount: number): Scratch {
  if (scratch.listCostMicros.length < modelCount + 1) {
    const size = Math.max(64, (modelCount + 1) * 2);
    scratch.listCostMicros = new Float64Array(size);
    scratch.chargedMicros = new Float64Array(size);
    scratch.rankKeys = new Float64Array(size);
    scratch.pool = new Int32Array(size);
  }
  if (scratch.providerArrays.code.length < providerCount)
    scratch.providerArrays = newProviderArrays(Math.max(16, providerCount * 2));
  return scratch;
}

/** The explanation's cost buffer, with room for a catalog of this size. */
export function explainCostFor(modelCount: number): Float64Array {
  if (scratch.explainCostMicros.length < modelCount) scratch.explainCostMicros = new Float64Array(modelCount * 2);
  return scratch.explainCostMicros;
}
