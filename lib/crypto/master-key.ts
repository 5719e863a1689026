import { parseMasterKey } from "../config/secrets.ts";

let cached: { raw: string; key: Buffer } | undefined;

/** SWITCHYARD_MASTER_KEY as 32 bytes (the launcher always provides it). */
export function masterKey(): Buffer {
  const raw = process.env.SWITCHYARD_MASTER_KEY;
  if (!raw) throw new Error("SWITCHYARD_MASTER_KEY is not set: start the app with `npm start`, which provides it");
  if (cached?.raw !== raw) cached = { raw, key: parseMasterKey(raw) };
  return cached.key;
}

/** Associated data binding a sealed key to its row. */
export const platformKeyAad = (providerId: string) => `provider:${providerId}`;
export const byokKeyAad = (userId: string, providerId: string) => `byok:${userId}:${providerId}`;
