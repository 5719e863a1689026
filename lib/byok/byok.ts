import { z } from "zod";
import type { Db } from "../db/client.ts";
import { seal, secretPrefix } from "../crypto/secret-box.ts";
import { byokKeyAad } from "../crypto/master-key.ts";
import { badRequest, notFound } from "../http/errors.ts";
import type { addByokSchema } from "./schemas.ts";
import { identityCaches, invalidateIdentity, type CachedByok } from "../auth/identity-cache.ts";


export type ByokView = { id: string; provider: string; provider_name: string; key_prefix: string; created_at: string; last_used_at: string | null };

/** Stores (or replaces) the caller's key for a provider, encrypted; only a prefix is ever shown again. */
export async function addByokKey(db: Db, userId: string, input: z.infer<typeof addByokSchema>, key: Buffer): Promise<ByokView> {
  const provider = await db.provider.findUnique({ where: { slug: input.provider }, select: { id: true, slug: true, name: true, requiresKey: true } });
  if (!provider) throw badRequest(`There is no provider "${input.provider}"`, "provider");
  if (!provider.requiresKey) throw badRequest(`Provider "${provider.slug}" needs no key`, "provider");
  const data = { ciphertext: seal(input.api_key, key, byokKeyAad(userId, provider.id)), keyPrefix: secretPrefix(input.api_key) };
  const row = await db.userProviderKey.upsert({
    where: { userId_providerId: { userId, providerId: provider.id } },
    create: { userId, providerId: provider.id, ...data },
    update: { ...data, createdAt: new Date(), lastUsedAt: null },
  });
  invalidateIdentity();
  return { id: row.id, provider: provider.slug, provider_name: provider.name, key_prefix: row.keyPrefix, created_at: row.createdAt.toISOString(), last_used_at: null };
}

export async function listByokKeys(db: Db, userId: string): Promise<ByokView[]> {
  const rows = await db.userProviderKey.findMany({ where: { userId }, include: { provider: { select: { slug: true, name: true } } }, orderBy: { createdAt: "desc" } });
  return rows.map((r) => ({
    id: r.id, provider: r.provider.slug, provider_name: r.provider.name, key_prefix: r.keyPrefix,
    created_at: r.createdAt.toISOString(), last_used_at: r.lastUsedAt?.toISOString() ?? null,
  }));
}

export async function deleteByokKey(db: Db, userId: string, id: string): Promise<void> {
  const { count } = await db.userProviderKey.deleteMany({ where: { id, userId } });
  invalidateIdentity();
  if (count === 0) throw notFound("Key not found");
}

/**
 * The caller's sealed keys by provider id, for routing (which providers) and calling (decrypt on
 * use), through the identity cache (adding or deleting a key clears it).
 */
export function loadCallerKeys(db: Db, userId: string): Promise<CachedByok> {
  return identityCaches().byok.through(userId, async () => {
    const rows = await db.userProviderKey.findMany({ where: { userId }, select: { id: true, providerId: true, ciphertext: true } });
    return new Map(rows.map((r) => [r.providerId, { id: r.id, ciphertext: r.ciphertext }]));
  });
}

/**
 * Providers a user may bring a key for: enabled ones that need a key, with how many enabled models
 * each has and whether this user already has a key for it (so pages can say what a key would unlock).
 */
export async function listByokProviders(db: Db, userId: string) {
  const rows = await db.provider.findMany({
    where: { enabled: true, requiresKey: true },
    select: {
      slug: true, name: true, apiKeyCiphertext: true,
      _count: { select: { models: { where: { enabled: true } }, userKeys: { where: { userId } } } },
    },
    orderBy: { name: "asc" },
  });
  return rows.map((p) => ({ slug: p.slug, name: p.name, has_platform_key: p.apiKeyCiphertext !== null, has_own_key: p._count.userKeys > 0, models: p._count.models }));
}
