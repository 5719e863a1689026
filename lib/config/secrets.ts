import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const storedSecrets = z.object({ nextauthSecret: z.string().min(32).optional(), masterKey: z.string().optional() });

export type Secrets = { nextauthSecret: string; masterKey: string };

export class ConfigError extends Error {}

/** A master key must be exactly 32 bytes, given as base64. */
export function parseMasterKey(value: string): Buffer {
  const key = Buffer.from(value, "base64");
  if (key.length !== 32 || key.toString("base64") !== value.trim()) {
    throw new ConfigError("SWITCHYARD_MASTER_KEY must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)");
  }
  return key;
}

/**
 * Secrets from the environment win. Whatever is missing is generated once into
 * DATA_DIR/secrets.json (mode 0600), so restarts keep sessions valid and stored keys readable.
 */
export function ensureSecrets(dir: string, env: Record<string, string | undefined> = process.env): Secrets {
  const file = join(dir, "secrets.json");
  const stored = existsSync(file) ? storedSecrets.safeParse(JSON.parse(readFileSync(file, "utf8"))) : undefined;
  if (stored && !stored.success) throw new ConfigError(`${file} is corrupt; restore it from a backup (stored provider keys depend on it)`);
  const generated = { ...stored?.data };
  if (!env.NEXTAUTH_SECRET && !generated.nextauthSecret) generated.nextauthSecret = randomBytes(32).toString("base64url");
  if (!env.SWITCHYARD_MASTER_KEY && !generated.masterKey) generated.masterKey = randomBytes(32).toString("base64");
  if (JSON.stringify(generated) !== JSON.stringify(stored?.data ?? {})) {
    writeFileSync(file, JSON.stringify(generated, null, 2) + "\n", { mode: 0o600 });
  }
  if (existsSync(file)) chmodSync(file, 0o600);
  const secrets = {
    nextauthSecret: env.NEXTAUTH_SECRET || generated.nextauthSecret!,
    masterKey: env.SWITCHYARD_MASTER_KEY || generated.masterKey!,
  };
  parseMasterKey(secrets.masterKey);
  return secrets;
}
