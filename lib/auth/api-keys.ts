import { createHash, randomBytes } from "node:crypto";

/** Gateway keys look like OpenAI's so clients accept them: "sk-sy-" + 43 base64url characters. */
export const API_KEY_PREFIX = "sk-sy-";

export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = API_KEY_PREFIX + randomBytes(32).toString("base64url");
  return { key, hash: hashApiKey(key), prefix: key.slice(0, API_KEY_PREFIX.length + 6) };
}

/** Keys carry 256 random bits, so a fast unsalted hash is enough and keeps lookups O(1). */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && value.length === API_KEY_PREFIX.length + 43;
}
