import { parseMasterKey, readMasterKeysFile } from "../config/secrets.ts";
import { keyRing, type KeyRing } from "./secret-box.ts";

let cached: { raw: string; ring: KeyRing } | undefined;
let file: { at: number; keys: string } = { at: 0, keys: "" };

// With a generated master key the launcher names its file (SWITCHYARD_SECRETS_FILE): a rotation
// writes the new key there, and every process reads it within a second, before any row needs it.
function fileKeys(path: string | undefined): string {
  if (!path) return "";
  if (Date.now() - file.at > 1000) {
    const keys = readMasterKeysFile(path);
    file = { at: Date.now(), keys: keys ? [keys.masterKey, ...keys.previousMasterKeys].join(",") : "" };
  }
  return file.keys;
}

const parseList = (value: string | undefined): Buffer[] =>
  (value ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => parseMasterKey(k));

/**
 * The process's master keys. SWITCHYARD_MASTER_KEY (the launcher always provides it) seals and
 * opens; SWITCHYARD_MASTER_KEY_PREVIOUS (comma-separated) and SWITCHYARD_MASTER_KEY_NEW (the key a
 * rotation is about to seal with) only open, and so do the keys of SWITCHYARD_SECRETS_FILE, so no
 * stored key is unreadable before, during or after a rotation (README "Master key rotation").
 */
export function masterKeyRing(env: Record<string, string | undefined> = process.env): KeyRing {
  const current = env.SWITCHYARD_MASTER_KEY;
  if (!current) throw new Error("SWITCHYARD_MASTER_KEY is not set: start the app with `npm start`, which provides it");
  const fromFile = fileKeys(env.SWITCHYARD_SECRETS_FILE);
  const raw = `${current}|${env.SWITCHYARD_MASTER_KEY_PREVIOUS ?? ""}|${env.SWITCHYARD_MASTER_KEY_NEW ?? ""}|${fromFile}`;
  if (cached?.raw !== raw) {
    const openers = [
      ...parseList(env.SWITCHYARD_MASTER_KEY_NEW),
      ...parseList(env.SWITCHYARD_MASTER_KEY_PREVIOUS),
      ...parseList(fromFile),
    ];
    cached = { raw, ring: keyRing(parseMasterKey(current), openers) };
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
