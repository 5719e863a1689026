import { z } from "zod";
import type { Db } from "../db/client.ts";
import { seal, secretPrefix } from "../crypto/secret-box.ts";
import { byokKeyAad } from "../crypto/master-key.ts";
import { ApiError, badRequest, notFound } from "../http/errors.ts";
import { scrubSecrets, type KnownSecrets } from "../security/scrub.ts";
import type { addByokSchema } from "./schemas.ts";
import { checkProviderKey, type KeyCheck, type VerifyTarget } from "./verify.ts";
import { identityCaches, invalidateIdentity, type CachedByok } from "../auth/identity-cache.ts";

/**
 * A stored key's state: `invalid` once the provider refused it during real traffic (routing no
 * longer uses it), else `verified` when the provider's model list accepted it when it was saved,
 * else `unverified` (saved with `save_unverified` while the provider could not be reached).
 */
export type ByokStatus = "verified" | "unverified" | "invalid";

export type ByokView = {
  id: string;
  provider: string;
  provider_name: string;
  key_prefix: string;
  created_at: string;
  last_used_at: string | null;
  status: ByokStatus;
  verified_at: string | null;
  invalid_at: string | null;
  invalid_reason: string | null;
};

/** How addByokKey asks the provider about a key (lib/byok/verify.ts; injectable for tests). */
export type ByokDeps = { checkKey?: (target: VerifyTarget, apiKey: string) => Promise<KeyCheck> };

/** The longest invalid_reason kept: a provider's sentence, not its whole error page. */
const MAX_INVALID_REASON_CHARS = 500;

type KeyRow = {
  id: string;
  keyPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  verifiedAt: Date | null;
  invalidAt: Date | null;
  invalidReason: string | null;
};

function viewOf(row: KeyRow, provider: { slug: string; name: string }): ByokView {
  return {
    id: row.id,
    provider: provider.slug,
    provider_name: provider.name,
    key_prefix: row.keyPrefix,
    created_at: row.createdAt.toISOString(),
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    status: row.invalidAt ? "invalid" : row.verifiedAt ? "verified" : "unverified",
    verified_at: row.verifiedAt?.toISOString() ?? null,
    invalid_at: row.invalidAt?.toISOString() ?? null,
    invalid_reason: row.invalidReason,
  };
}

/**
 * Stores (or replaces) the caller's key for a provider, encrypted; only a prefix is ever shown again.
 * The key is checked first against the provider's model list (lib/byok/verify.ts):
 * - accepted (or a simulated provider): stored with verified_at = now;
 * - refused (401/403): nothing stored, 400 `byok_key_rejected` (param `api_key`) with the
 *   provider's scrubbed reason;
 * - no answer about the key (unreachable, timeout, 5xx): nothing stored, 424 `provider_unreachable`
 *   saying what happened, unless `save_unverified` is true: then stored with verified_at null.
 * Replacing a key starts it afresh: its verification is the new one, and it is no longer invalid.
 */
export async function addByokKey(
  db: Db,
  userId: string,
  input: z.infer<typeof addByokSchema>,
  key: Buffer,
  deps: ByokDeps = {},
): Promise<ByokView> {
  const provider = await db.provider.findUnique({
    where: { slug: input.provider },
    select: { id: true, slug: true, name: true, requiresKey: true, kind: true, baseUrl: true },
  });
  if (!provider) throw badRequest(`There is no provider "${input.provider}"`, "provider");
  if (!provider.requiresKey) throw badRequest(`Provider "${provider.slug}" needs no key`, "provider");
  const checkKey = deps.checkKey ?? checkProviderKey;
  const check = await checkKey({ name: provider.name, kind: provider.kind, baseUrl: provider.baseUrl }, input.api_key);
  if (check.outcome === "rejected") throw new ApiError(400, "byok_key_rejected", check.message, "api_key");
  if (check.outcome === "unreachable" && !input.save_unverified)
    throw new ApiError(424, "provider_unreachable", check.message);
  const now = new Date();
  const data = {
    ciphertext: seal(input.api_key, key, byokKeyAad(userId, provider.id)),
    keyPrefix: secretPrefix(input.api_key),
    verifiedAt: check.outcome === "unreachable" ? null : now,
  };
  const row = await db.userProviderKey.upsert({
    where: { userId_providerId: { userId, providerId: provider.id } },
    create: { userId, providerId: provider.id, ...data, createdAt: now },
    update: { ...data, createdAt: now, lastUsedAt: null, invalidAt: null, invalidReason: null },
  });
  invalidateIdentity();
  return viewOf(row, provider);
}

/**
 * Marks a stored BYOK key invalid: for the gateway, when the provider answers 401/403 to it during
 * real traffic. Stores invalid_at = now and `reason` (the provider's message) scrubbed of
 * credentials — `opts.secrets` (the decrypted key the request carried) and anything shaped like
 * a key — and clears the identity cache, so this process stops routing with the key at once
 * (loadCallerKeys leaves it out; other processes within SWITCHYARD_IDENTITY_TTL_MS). Routing then
 * falls back to the platform's key, if the provider has one. The user sees the key as invalid on
 * the Keys page, with the time and reason, until they replace or delete it.
 *
 * `opts.ciphertext`: the sealed key the failing request used (CachedByok's `ciphertext`). When
 * given, the key is marked only if it is still that one, so a key the user replaced while the
 * request was in flight is not marked for its predecessor's refusal. A key already invalid keeps
 * its first time and reason. Resolves true when a key was marked.
 */
export async function markByokInvalid(
  db: Db,
  keyId: string,
  reason: string,
  opts: { secrets?: KnownSecrets; ciphertext?: string } = {},
): Promise<boolean> {
  const scrubbed = scrubSecrets(reason, opts.secrets ?? []).trim();
  const text =
    scrubbed.length > MAX_INVALID_REASON_CHARS ? `${scrubbed.slice(0, MAX_INVALID_REASON_CHARS)}…` : scrubbed;
  const { count } = await db.userProviderKey.updateMany({
    where: { id: keyId, invalidAt: null, ...(opts.ciphertext !== undefined ? { ciphertext: opts.ciphertext } : {}) },
    data: { invalidAt: new Date(), invalidReason: text || "The provider refused the key" },
  });
  if (count > 0) invalidateIdentity();
  return count > 0;
}

export async function listByokKeys(db: Db, userId: string): Promise<ByokView[]> {
  const rows = await db.userProviderKey.findMany({
    where: { userId },
    include: { provider: { select: { slug: true, name: true } } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((r) => viewOf(r, r.provider));
}

export async function deleteByokKey(db: Db, userId: string, id: string): Promise<void> {
  const { count } = await db.userProviderKey.deleteMany({ where: { id, userId } });
  invalidateIdentity();
  if (count === 0) throw notFound("Key not found");
}

/**
 * The caller's usable sealed keys by provider id, for routing (which providers) and calling
 * (decrypt on use), through the identity cache (adding, deleting or marking a key clears it). Keys
 * marked invalid (markByokInvalid) are left out: routing treats the provider as if the caller had
 * no key for it (the platform's key, or not served there).
 */
export function loadCallerKeys(db: Db, userId: string): Promise<CachedByok> {
  return identityCaches().byok.through(userId, async () => {
    const rows = await db.userProviderKey.findMany({
      where: { userId, invalidAt: null },
      select: { id: true, providerId: true, ciphertext: true },
    });
    return new Map(rows.map((r) => [r.providerId, { id: r.id, ciphertext: r.ciphertext }]));
  });
}

/**
 * Providers a user may bring a key for: enabled ones that need a key, with how many enabled models
 * each has and whether this user already has a usable key for it (so pages can say what a key
 * would unlock; a key marked invalid unlocks nothing until it is replaced).
 */
export async function listByokProviders(db: Db, userId: string) {
  const rows = await db.provider.findMany({
    where: { enabled: true, requiresKey: true },
    select: {
      slug: true,
      name: true,
      apiKeyCiphertext: true,
      _count: { select: { models: { where: { enabled: true } }, userKeys: { where: { userId, invalidAt: null } } } },
    },
    orderBy: { name: "asc" },
  });
  return rows.map((p) => ({
    slug: p.slug,
    name: p.name,
    has_platform_key: p.apiKeyCiphertext !== null,
    has_own_key: p._count.userKeys > 0,
    models: p._count.models,
  }));
}
