import { parseMasterKey } from "../config/secrets.ts";
import { keyRing, type KeyRing } from "./secret-box.ts";

let cached: { raw: string; ring: KeyRing } | undefined;

/**
 * The process's master keys: SWITCHYARD_MASTER_KEY (the launcher always provides it) seals and
 * opens; SWITCHYARD_MASTER_KEY_PREVIOUS (comma-separated, optional) only opens what older keys
 * sealed, so a rotation never leaves a stored key unreadable.
 */
export function masterKeyRing(): KeyRing {
  const current = process.env.SWITCHYARD_MASTER_KEY;
  if (!current) throw new Error("SWITCHYARD_MASTER_KEY is not set: start the app with `npm start`, which provides it");
  const previous = process.env.SWITCHYARD_MASTER_KEY_PREVIOUS ?? "";
  const raw = `${current}|${previous}`;
  if (cached?.raw !== raw) {
    const older = previous.split(",").map((k) => k.trim()).filter(Boolean).map((k) => parseMasterKey(k));
    cached = { raw, ring: keyRing(parseMasterKey(current), older) };
  }
  return cached.ring;
}

/** The key that seals (SWITCHYARD_MASTER_KEY) as 32 bytes. */
export function masterKey(): Buffer {
  return masterKeyRing().current;
}

/** Associated data binding a sealed key to its row. */
export const platformKeyAad = (providerId: string) => `provider:${providerId}`;
export const byokKeyAad = (userId: string, providerId: string) => `byok:${userId}:${providerId}`;
