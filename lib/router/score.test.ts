import { describe, expect, it } from "vitest";
import {
  BYOK_BONUS,
  bonusOf,
  makeNormalizer,
  PREFER_BONUS,
  qualityBar,
  rankKey,
  ranksBefore,
  rawScore,
  resolveWeights,
  scoresOf,
  selectChain,
} from "./score.ts";

const BAL = resolveWeights("BALANCED", null);

/** Scores for a list of candidates normalised over that list, as decide.ts does. */
function score(list: { charged: number; latency: number; quality: number; bonus?: number }[]) {
  const pool = list.map((_, i) => i);
  const charged = list.map((x) => x.charged);
  const latency = list.map((x) => x.latency);
  const nz = makeNormalizer(pool, pool.length, charged, latency);
  return list.map((x) => ({
    ...scoresOf(nz, BAL, x.charged, x.latency, x.quality, x.bonus ?? 0),
    raw: rawScore(nz, BAL, x.charged, x.latency, x.quality, x.bonus ?? 0),
  }));
}

describe("resolveWeights", () => {
  it("uses the level's weights by default", () => {
    expect(resolveWeights("ECO", null)).toEqual({ cost: 0.6, latency: 0.3, quality: 0.1 });
    expect(resolveWeights("PRECISION", undefined)).toEqual({ cost: 0.1, latency: 0.2, quality: 0.7 });
  });

  it("normalises the caller's weights to sum 1", () => {
    expect(resolveWeights("ECO", { cost: 2, latency: 1, quality: 1 })).toEqual({
      cost: 0.5,
      latency: 0.25,
      quality: 0.25,
    });
  });

  it("ignores unusable caller weights", () => {
    expect(resolveWeights("BALANCED", { cost: 0, latency: 0, quality: 0 })).toEqual(BAL);
    expect(resolveWeights("BALANCED", { cost: -1, latency: Number.NaN, quality: 1 })).toEqual({
      cost: 0,
      latency: 0,
      quality: 1,
    });
  });
});

describe("scores", () => {
  it("gives the cheaper and the faster candidate the higher score", () => {
    const [cheap, dear, fast] = score([
      { charged: 100, latency: 400, quality: 8 },
      { charged: 10_000, latency: 400, quality: 8 },
      { charged: 1_000, latency: 100, quality: 8 },
    ]);
    expect(cheap!.cost).toBe(1);
    expect(dear!.cost).toBe(0);
    expect(fast!.cost).toBeCloseTo(0.5, 2); // log scale: 10x cheaper than the dearest, 10x dearer than the cheapest
    expect(fast!.latency).toBe(1);
    expect(cheap!.latency).toBe(0);
  });

  it("scores cost 1 for everyone when all cost the same, including all free", () => {
    expect(
      score([
        { charged: 0, latency: 1, quality: 5 },
        { charged: 0, latency: 2, quality: 5 },
      ]).map((s) => s.cost),
    ).toEqual([1, 1]);
    expect(
      score([
        { charged: 7, latency: 3, quality: 5 },
        { charged: 7, latency: 3, quality: 5 },
      ]).map((s) => [s.cost, s.latency]),
    ).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it("scores quality as quality/10 and keeps every score in 0..1", () => {
    const list = score([
      { charged: 0, latency: 100, quality: 9.5, bonus: 0.42 },
      { charged: 1e9, latency: 9_000, quality: 0, bonus: -0.25 },
    ]);
    expect(list[0]!.quality).toBe(0.95);
    for (const s of list)
      for (const v of [s.composite, s.cost, s.latency, s.quality]) expect(v >= 0 && v <= 1).toBe(true);
  });

  it("adds task, BYOK and preference bonuses and subtracts unreliability", () => {
    expect(bonusOf(0.08, false, false, 1)).toBe(0.08);
    expect(bonusOf(0, true, true, 1)).toBeCloseTo(BYOK_BONUS + PREFER_BONUS);
    expect(bonusOf(0, false, false, 0.8)).toBeCloseTo(-0.05);
    const [a, b] = score([
      { charged: 5, latency: 5, quality: 5 },
      { charged: 5, latency: 5, quality: 5, bonus: 0.1 },
    ]);
    expect(b!.raw).toBeGreaterThan(a!.raw);
    expect(b!.composite).toBeGreaterThan(a!.composite);
  });
});

describe("ranking", () => {
  it("breaks equal scores by provider priority, then public id", () => {
    const rank = [rankKey(0.5), rankKey(0.5), rankKey(0.5 + 1e-12), rankKey(0.6)];
    const priority = [10, 90, 90, 0];
    const idOrder = [3, 2, 1, 0];
    expect(ranksBefore(3, 1, rank, priority, idOrder)).toBe(true); // higher score wins
    expect(ranksBefore(1, 0, rank, priority, idOrder)).toBe(true); // equal score: higher priority
    expect(ranksBefore(2, 1, rank, priority, idOrder)).toBe(true); // float noise is a tie: smaller id
    expect(ranksBefore(1, 2, rank, priority, idOrder)).toBe(false);
  });

  it("puts providers not yet in the chain before a second model of a used provider", () => {
    // model index → provider: 0,1,2 → provider 1 (scores .9 .8 .7); 3 → provider 2 (.6); 4 → provider 3 (.5); 5 → provider 2 (.4)
    const providerOf = [1, 1, 1, 2, 3, 2];
    const rank = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4].map(rankKey);
    const priority = [0, 0, 0, 0, 0, 0];
    const pool = [5, 3, 1, 0, 4, 2];
    const ids = [0, 1, 2, 3, 4, 5];
    expect(selectChain(pool, pool.length, rank, priority, ids, providerOf, 4, 10)).toEqual([0, 3, 4, 1, 2, 5]);
    expect(selectChain(pool, pool.length, rank, priority, ids, providerOf, 4, 3)).toEqual([0, 3, 4]);
    expect(selectChain(pool, pool.length, rank, priority, ids, providerOf, 4, 5)).toEqual([0, 3, 4, 1, 2]);
    expect(selectChain(pool, 0, rank, priority, ids, providerOf, 4, 5)).toEqual([]);
    expect(selectChain(pool, pool.length, rank, priority, ids, providerOf, 4, 0)).toEqual([]);
  });

  it("agrees with sorting the whole pool, on random pools", () => {
    let seed = 99;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let t = 0; t < 200; t++) {
      const n = 1 + Math.floor(rnd() * 40);
      const providerOf = Array.from({ length: n }, () => Math.floor(rnd() * 6));
      const rank = Array.from({ length: n }, () => rankKey(Math.floor(rnd() * 5) / 4));
      const priority = providerOf.map((p) => (p * 37) % 3);
      const pool = Array.from({ length: n }, (_, i) => i).filter(() => rnd() < 0.8);
      const ids = Array.from({ length: n }, (_, i) => ((i * 7) % n === i ? i : n - 1 - i));
      const idOrder = [...ids.keys()]
        .sort((a, b) => ids[a]! - ids[b]! || a - b)
        .reduce((acc, i, pos) => ((acc[i] = pos), acc), [] as number[]);
      const sorted = [...pool].sort((a, b) => (ranksBefore(a, b, rank, priority, idOrder) ? -1 : 1));
      const seen = new Set<number>();
      const heads = sorted.filter((i) => !seen.has(providerOf[i]!) && seen.add(providerOf[i]!));
      const expected = [...heads, ...sorted.filter((i) => !heads.includes(i))];
      const maxLen = 1 + Math.floor(rnd() * 10);
      expect(selectChain(pool, pool.length, rank, priority, idOrder, providerOf, 6, maxLen)).toEqual(
        expected.slice(0, maxLen),
      );
    }
  });
});

describe("qualityBar", () => {
  const q = [7.5, 8.0, 9.1];
  const pool = [0, 1, 2];

  it("basic (or none) keeps everything", () => {
    expect(qualityBar(pool, 3, q, "basic").bar).toBe(0);
    expect(qualityBar(pool, 3, q, null).bar).toBe(0);
  });

  it("good needs 8.0, best needs 9.0", () => {
    expect(qualityBar(pool, 3, q, "good")).toEqual({ bar: 8, unmet: false, best: 9.1 });
    expect(qualityBar(pool, 3, q, "best")).toEqual({ bar: 9, unmet: false, best: 9.1 });
  });

  it("lowers the bar to the best available when nothing reaches the floor, and says it is unmet", () => {
    expect(qualityBar([0, 1], 2, [6.5, 7.5], "best")).toEqual({ bar: 7.5, unmet: true, best: 7.5 });
  });
});
