import type { Db } from "../db/client.ts";
import type { Role } from "./roles.ts";
import { hashApiKey } from "./api-keys.ts";
import { readSessionToken } from "./session-cookie.ts";
import { unauthorized } from "../http/errors.ts";
import { identityCaches } from "./identity-cache.ts";
import { fenceSelect, parseFences, type KeyFences } from "../keys/fences.ts";

/** `fences`: the gateway key's limits (lib/keys/fences.ts); null for a session or an unfenced key. */
export type Caller = {
  userId: string;
  email: string;
  role: Role;
  apiKeyId: string | null;
  fences?: KeyFences | null;
  /** The key's shown prefix (logs). */ keyPrefix?: string | null;
};

// last_used_at is for display; writing it on every request would put a write on the hot path.
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Who is calling: a gateway key in `Authorization: Bearer` (acting as its owner), else the
 * next-auth session cookie. A presented key that is bad is a 401, never a fallback to the cookie.
 * Role, disabled and revoked state come from the database through the identity cache
 * (identity-cache.ts): a change applies at once in this process and within a second elsewhere.
 */
export async function resolveCaller(db: Db, headers: Headers, sessionSecret: string): Promise<Caller | null> {
  const authorization = headers.get("authorization");
  // Anthropic's SDKs send the key as `x-api-key` (a custom header, so a browser cannot send it
  // cross-site without a CORS preflight, like Authorization).
  const apiKeyHeader = authorization ? null : headers.get("x-api-key");
  if (authorization || apiKeyHeader) {
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization.trim()) : /^(\S+)$/.exec(apiKeyHeader!.trim());
    if (!match)
      throw unauthorized(
        authorization
          ? "Authorization header must be `Bearer <api key>`"
          : "x-api-key header must be a gateway API key",
      );
    const hash = hashApiKey(match[1]!);
    const key = await identityCaches().keys.through(hash, async () => {
      const row = await db.apiKey.findUnique({
        where: { keyHash: hash },
        select: {
          id: true,
          prefix: true,
          revokedAt: true,
          expiresAt: true,
          lastUsedAt: true,
          ...fenceSelect,
          user: { select: { id: true, email: true, role: true, disabled: true } },
        },
      });
      return (
        row && {
          id: row.id,
          prefix: row.prefix,
          revokedAt: row.revokedAt,
          expiresAt: row.expiresAt,
          lastUsedAt: row.lastUsedAt,
          user: row.user,
          fences: parseFences(row),
        }
      );
    });
    const now = Date.now();
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now) || key.user.disabled) {
      throw unauthorized("Invalid, expired or revoked API key");
    }
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // Noted on the cached row too, so the next requests within the minute do not write again.
      key.lastUsedAt = new Date(now);
      await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: key.lastUsedAt } });
    }
    return {
      userId: key.user.id,
      email: key.user.email,
      role: key.user.role,
      apiKeyId: key.id,
      fences: key.fences,
      keyPrefix: key.prefix,
    };
  }
  return sessionCaller(db, headers.get("cookie"), sessionSecret);
}

/**
 * The user a next-auth session cookie belongs to, or null: also when the user is gone or disabled,
 * or when their session version moved on since the token was issued (password, role change or
 * disabling since: lib/users/users.ts), which ends every older session at once.
 */
export async function sessionCaller(
  db: Db,
  cookieHeader: string | null,
  sessionSecret: string,
): Promise<Caller | null> {
  const session = await readSessionToken(cookieHeader, sessionSecret);
  if (!session) return null;
  const user = await identityCaches().users.through(session.userId, () =>
    db.user.findUnique({
      where: { id: session.userId },
      select: { id: true, email: true, role: true, disabled: true, sessionVersion: true },
    }),
  );
  if (!user || user.disabled || user.sessionVersion !== session.sessionVersion) return null;
  return { userId: user.id, email: user.email, role: user.role, apiKeyId: null };
}
