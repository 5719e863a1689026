import type { Db } from "../db/client.ts";
import type { Role } from "../auth/roles.ts";
import { hashPassword, verifyPassword, DUMMY_HASH } from "../auth/password.ts";
import { ApiError, badRequest, conflict, fromZodError, notFound } from "../http/errors.ts";

import { credentialsSchema, emailSchema, passwordSchema } from "./schemas.ts";
import { invalidateIdentity } from "../auth/identity-cache.ts";
import { isUniqueViolation } from "../db/errors.ts";

export type PublicUser = { id: string; email: string; role: Role; disabled: boolean; createdAt: Date };
const publicSelect = { id: true, email: true, role: true, disabled: true, createdAt: true } as const;

// Serialises admin-count checks so two concurrent demotions cannot remove the last admin.
const ADMIN_GUARD_LOCK = 72707370;

export async function createUser(db: Db, input: { email: string; password: string; role?: Role }): Promise<PublicUser> {
  // Parsed against the labelled schema so every caller (API, CLI, setup) gets the same sentences.
  const parsed = credentialsSchema.safeParse({ email: input.email, password: input.password });
  if (!parsed.success) throw fromZodError(parsed.error, credentialsSchema);
  const { email } = parsed.data;
  const passwordHash = await hashPassword(parsed.data.password);
  try {
    return await db.user.create({ data: { email, passwordHash, role: input.role ?? "USER" }, select: publicSelect });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("A user with this email already exists", "email");
    throw err;
  }
}

/**
 * Creates the user or, if the email exists, sets its password and role and re-enables it. Runs at
 * every start with ADMIN_EMAIL/ADMIN_PASSWORD, so existing sessions end only when that changes
 * something (a new password, role or re-enabling), not on every restart.
 */
export async function upsertUser(db: Db, input: { email: string; password: string; role: Role }): Promise<PublicUser> {
  const email = emailSchema.parse(input.email);
  const password = passwordSchema.parse(input.password);
  const upsert = async () => {
    const existing = await db.user.findUnique({
      where: { email },
      select: { passwordHash: true, role: true, disabled: true },
    });
    const samePassword = !!existing && (await verifyPassword(password, existing.passwordHash));
    const passwordHash = samePassword ? existing.passwordHash : await hashPassword(password);
    const changes = !existing || !samePassword || existing.role !== input.role || existing.disabled;
    return db.user.upsert({
      where: { email },
      create: { email, passwordHash, role: input.role },
      update: {
        passwordHash,
        role: input.role,
        disabled: false,
        ...(changes ? { sessionVersion: { increment: 1 } } : {}),
      },
      select: publicSelect,
    });
  };
  try {
    return await upsert();
  } catch (err) {
    // Two processes starting at once with the same ADMIN_EMAIL: the loser's insert conflicts; its retry updates.
    if (isUniqueViolation(err)) return upsert();
    throw err;
  } finally {
    invalidateIdentity();
  }
}

/** The user for these credentials, or null. Unknown emails cost the same time as wrong passwords. */
export async function verifyCredentials(
  db: Db,
  rawEmail: string,
  password: string,
): Promise<(PublicUser & { sessionVersion: number }) | null> {
  const email = emailSchema.safeParse(rawEmail);
  const user = email.success
    ? await db.user.findUnique({
        where: { email: email.data },
        select: { ...publicSelect, sessionVersion: true, passwordHash: true },
      })
    : null;
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || user.disabled) return null;
  const { passwordHash: _omit, ...rest } = user;
  return rest;
}

/** Sets a new password and ends every session from before it; returns the new session version. */
export async function changePassword(db: Db, userId: string, current: string, next: string): Promise<number> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user) throw notFound("User not found");
  if (!(await verifyPassword(current, user.passwordHash)))
    throw badRequest("Current password is wrong", "current_password");
  const passwordHash = await hashPassword(passwordSchema.parse(next));
  const updated = await db.user.update({
    where: { id: userId },
    data: { passwordHash, sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  invalidateIdentity();
  return updated.sessionVersion;
}

/**
 * Role and disabled changes; refuses to leave the instance without an active admin. A new role or
 * disabling ends the user's sessions (they sign in again, and come back to what they may now see).
 */
export async function updateUser(
  db: Db,
  id: string,
  patch: { role?: Role; disabled?: boolean },
): Promise<PublicUser & { sessionVersion: number }> {
  try {
    return await updateUserInTx(db, id, patch);
  } finally {
    invalidateIdentity();
  }
}

function updateUserInTx(db: Db, id: string, patch: { role?: Role; disabled?: boolean }) {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_GUARD_LOCK}::bigint)`;
    const user = await tx.user.findUnique({ where: { id }, select: publicSelect });
    if (!user) throw notFound("User not found");
    const losesAdmin =
      user.role === "ADMIN" && !user.disabled && ((patch.role && patch.role !== "ADMIN") || patch.disabled === true);
    if (losesAdmin) {
      const activeAdmins = await tx.user.count({ where: { role: "ADMIN", disabled: false } });
      if (activeAdmins <= 1)
        throw new ApiError(409, "last_admin", "This is the only active admin; promote another admin first");
    }
    const endsSessions =
      (patch.role !== undefined && patch.role !== user.role) || (patch.disabled === true && !user.disabled);
    return tx.user.update({
      where: { id },
      data: { ...patch, ...(endsSessions ? { sessionVersion: { increment: 1 } } : {}) },
      select: { ...publicSelect, sessionVersion: true },
    });
  });
}

/**
 * First-run: creates the admin only while no admin exists. The lock makes two visitors racing
 * on the setup page end with exactly one admin.
 */
export async function createFirstAdmin(db: Db, input: { email: string; password: string }): Promise<PublicUser> {
  const email = emailSchema.parse(input.email);
  const passwordHash = await hashPassword(passwordSchema.parse(input.password));
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_GUARD_LOCK}::bigint)`;
    if ((await tx.user.count({ where: { role: "ADMIN" } })) > 0)
      throw conflict("The instance already has an admin; sign in instead");
    // Never take over an existing account from an unauthenticated page: only a new email becomes admin.
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) {
      throw conflict(
        "An account with this email already exists; use another email, or promote it with `npm run cli` / ADMIN_EMAIL",
        "email",
      );
    }
    return tx.user.create({ data: { email, passwordHash, role: "ADMIN" }, select: publicSelect });
  });
}

export async function hasAdmin(db: Db): Promise<boolean> {
  return (await db.user.count({ where: { role: "ADMIN" } })) > 0;
}
