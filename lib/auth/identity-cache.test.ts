import { describe, expect, it } from "vitest";
import { TtlCache } from "./identity-cache.ts";
import { MoneyCache } from "../ledger/money-cache.ts";

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

describe("TtlCache", () => {
  it("sends one load for many concurrent misses of a key, and serves the result until the TTL passes", async () => {
    let now = 0;
    const cache = new TtlCache<string, number>(
      () => 1_000,
      () => now,
    );
    let loads = 0;
    const d = deferred<number>();
    const load = () => (loads++, d.promise);
    const waiting = Array.from({ length: 50 }, () => cache.through("k", load));
    d.resolve(7);
    expect(await Promise.all(waiting)).toEqual(Array(50).fill(7));
    expect(loads).toBe(1);
    expect(await cache.through("k", async () => (loads++, 8))).toBe(7);
    now = 1_000;
    expect(await cache.through("k", async () => (loads++, 8))).toBe(8);
    expect(loads).toBe(2);
  });

  it("does not keep what a load read if the cache was cleared while it ran (a revoke in between)", async () => {
    const cache = new TtlCache<string, string>(() => 60_000);
    const d = deferred<string>();
    const before = cache.through("key", () => d.promise);
    cache.clear(); // e.g. the key was revoked while its row was being read
    d.resolve("not revoked");
    expect(await before).toBe("not revoked"); // the request that asked first gets its answer…
    expect(await cache.through("key", async () => "revoked")).toBe("revoked"); // …but nobody after it
  });

  it("a failed load is not cached and does not block the next one", async () => {
    const cache = new TtlCache<string, string>(() => 60_000);
    await expect(cache.through("k", async () => Promise.reject(new Error("db away")))).rejects.toThrow("db away");
    expect(await cache.through("k", async () => "back")).toBe("back");
  });
});

describe("MoneyCache.read", () => {
  const view = (availableMicros: number) => ({ availableMicros, owedMicros: 0, budget: null });

  it("shares one read among concurrent callers, but a fresh read never joins one that began earlier", async () => {
    const cache = new MoneyCache(() => 60_000);
    const d = deferred<ReturnType<typeof view>>();
    let reads = 0;
    const a = cache.read("u", () => (reads++, d.promise));
    const b = cache.read("u", () => (reads++, d.promise));
    const fresh = cache.read("u", async () => (reads++, view(9)), true);
    d.resolve(view(5));
    expect([(await a).availableMicros, (await b).availableMicros, (await fresh).availableMicros]).toEqual([5, 5, 9]);
    expect(reads).toBe(2);
  });

  it("a read that began before an invalidation (a purchase) is not stored", async () => {
    const cache = new MoneyCache(() => 60_000);
    const d = deferred<ReturnType<typeof view>>();
    const old = cache.read("u", () => d.promise);
    cache.invalidate("u");
    d.resolve(view(1));
    await old;
    expect(cache.get("u")).toBeUndefined();
  });
});
