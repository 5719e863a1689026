import type { Db } from "../db/client.ts";
import { generateApiKey } from "../auth/api-keys.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { invalidateIdentity } from "../auth/identity-cache.ts";


export type ApiKeyView = {
  id: string; name: string; prefix: string; created_at: string;
  expires_at: string | null; revoked_at: string | null; last_used_at: string | null;
};

const select = { id: true, name: true, prefix: true, createdAt: true, expiresAt: true, revokedAt: true, lastUsedAt: true } as const;

function view(k: { id: string; name: string; prefix: string; createdAt: Date; expiresAt: Date | null; revokedAt: Date | null; lastUsedAt: Date | null }): ApiKeyView {
  return {
    id: k.id, name: k.name, prefix: k.prefix, created_at: k.createdAt.toISOString(),
    expires_at: k.expiresAt?.toISOString() ?? null, revoked_at: k.revokedAt?.toISOString() ?? null, last_used_at: k.lastUsedAt?.toISOString() ?? null,
  };
}

/** The only moment the whole key exists outside the caller's hands: it is returned once, stored hashed. */
export async function createApiKey(db: Db, userId: string, input: { name: string; expiresAt?: Date | null }) {
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw badRequest("must be in the future", "expires_at");
  const { key, hash, prefix } = generateApiKey();
  const row = await db.apiKey.create({ data: { userId, name: input.name, keyHash: hash, prefix, expiresAt: input.expiresAt ?? null }, select });
  return { ...view(row), key };
}

export async function listApiKeys(db: Db, userId: string): Promise<ApiKeyView[]> {
  const rows = await db.apiKey.findMany({ where: { userId }, select, orderBy: { createdAt: "desc" } });
  return rows.map(view);
}

/** Revokes (keeps the row for usage history). Someone else's key is "not found", not "forbidden". */
export async function revokeApiKey(db: Db, userId: string, id: string): Promise<void> {
  const { count } = await db.apiKey.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  invalidateIdentity();
  if (count === 0) {
    const exists = await db.apiKey.findFirst({ where: { id, userId }, select: { id: true } });
    if (!exists) throw notFound("API key not found");
  }
}
