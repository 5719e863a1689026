/**
 * Who a key or session resolves to — and that user's settings and BYOK keys — change rarely but
 * were read from the database on every request. They are kept in process for at most
 * SWITCHYARD_IDENTITY_TTL_MS (default 1 s): a change made in this process clears them at once
 * (invalidateIdentity, called by every write that touches them); a change made by another process
 * or by hand is seen within the TTL. The gateway's money view (lib/ledger/money-cache.ts) uses the
 * same TtlCache and TTL; holds themselves are never decided from a cache.
 */
import type { Role } from "./roles.ts";
import type { KeyFences } from "../keys/fences.ts";
import { DEFAULTS, env } from "../config/env.ts";

export const DEFAULT_IDENTITY_TTL_MS = DEFAULTS.SWITCHYARD_IDENTITY_TTL_MS;
const MAX_ENTRIES = 10_000;

export class TtlCache<K, V> {
  private readonly map = new Map<K, { at: number; value: V }>();
  private readonly loading = new Map<K, Promise<V>>();
  /** Bumped by clear(): a load that began before an invalidation must not store what it read. */
  private generation = 0;

  constructor(
    private readonly ttlMs: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (this.now() - hit.at >= this.ttlMs()) {
      this.map.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: K, value: V): void {
    if (this.ttlMs() <= 0) return;
    // Oldest first out: a flood of unknown keys cannot grow memory without bound.
    if (this.map.size >= MAX_ENTRIES) this.map.delete(this.map.keys().next().value as K);
    this.map.set(key, { at: this.now(), value });
  }

  /**
   * Reads through: the cached value, or loads it. Concurrent misses of one key share one load
   * (at 50 requests in flight, an expiry would otherwise send 50 identical queries at once).
   * `fresh` loads anew, never joining a load that began earlier, and stores the result.
   */
  through(key: K, load: () => Promise<V>, opts: { fresh?: boolean } = {}): Promise<V> {
    if (!opts.fresh) {
      const hit = this.get(key);
      if (hit !== undefined) return Promise.resolve(hit);
      const pending = this.loading.get(key);
      if (pending) return pending;
    }
    const generation = this.generation;
    const loaded = load().then(
      (value) => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        if (generation === this.generation) this.set(key, value);
        return value;
      },
      (err: unknown) => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        throw err;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  delete(key: K): void {
    this.generation++;
    this.map.delete(key);
    this.loading.delete(key);
  }

  clear(): void {
    this.generation++;
    this.map.clear();
    this.loading.clear();
  }
}

/** SWITCHYARD_IDENTITY_TTL_MS: how stale what other processes changed may be seen (also money views, lib/ledger/money-cache.ts). */
export const identityTtlMs = () => env("SWITCHYARD_IDENTITY_TTL_MS");

/** What a gateway key's hash resolves to (null: no such key). */
export type CachedKey = {
  id: string;
  prefix: string;
  revokedAt: Date | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  user: { id: string; email: string; role: Role; disabled: boolean };
  fences: KeyFences | null;
} | null;
/** A session's user (null: gone). */
export type CachedUser = { id: string; email: string; role: Role; disabled: boolean; sessionVersion: number } | null;
/** Routing preferences (null: none saved). */
export type CachedSettings = { preferredPowerLevel: string | null; routingWeights: unknown } | null;
/** Sealed BYOK keys by provider id. */
export type CachedByok = Map<string, { id: string; ciphertext: string }>;

type Caches = {
  keys: TtlCache<string, CachedKey>;
  users: TtlCache<string, CachedUser>;
  settings: TtlCache<string, CachedSettings>;
  byok: TtlCache<string, CachedByok>;
};

// On globalThis: Next bundles route handlers separately, and a revoke in one route must clear the
// cache the completions route reads.
const holder = globalThis as unknown as { switchyardIdentity?: Caches };

export function identityCaches(): Caches {
  holder.switchyardIdentity ??= {
    keys: new TtlCache(identityTtlMs),
    users: new TtlCache(identityTtlMs),
    settings: new TtlCache(identityTtlMs),
    byok: new TtlCache(identityTtlMs),
  };
  return holder.switchyardIdentity;
}

/** After any write to keys, users, settings or BYOK keys in this process. */
export function invalidateIdentity(): void {
  const c = holder.switchyardIdentity;
  if (!c) return;
  c.keys.clear();
  c.users.clear();
  c.settings.clear();
  c.byok.clear();
}
