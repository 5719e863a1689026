import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const storedSecrets = z.object({
  nextauthSecret: z.string().min(32).optional(),
  masterKey: z.string().optional(),
  // Master keys a rotation replaced: they only decrypt (lib/crypto/master-key.ts).
  previousMasterKeys: z.array(z.string()).optional(),
});

/** `secretsFile` is set when the master key comes from it (not the environment): app processes reread it during a rotation. */
export type Secrets = {
  nextauthSecret: string;
  masterKey: string;
  previousMasterKeys: string[];
  secretsFile: string | null;
};

export const secretsFileOf = (dir: string) => join(dir, "secrets.json");

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
  const file = secretsFileOf(dir);
  const stored = existsSync(file) ? storedSecrets.safeParse(JSON.parse(readFileSync(file, "utf8"))) : undefined;
  if (stored && !stored.success)
    throw new ConfigError(`${file} is corrupt; restore it from a backup (stored provider keys depend on it)`);
  const generated = { ...stored?.data };
  if (!env.NEXTAUTH_SECRET && !generated.nextauthSecret)
    generated.nextauthSecret = randomBytes(32).toString("base64url");
  if (!env.SWITCHYARD_MASTER_KEY && !generated.masterKey) generated.masterKey = randomBytes(32).toString("base64");
  if (JSON.stringify(generated) !== JSON.stringify(stored?.data ?? {})) {
    writeFileSync(file, JSON.stringify(generated, null, 2) + "\n", { mode: 0o600 });
  }
  if (existsSync(file)) chmodSync(file, 0o600);
  const fromFile = !env.SWITCHYARD_MASTER_KEY;
  const secrets = {
    nextauthSecret: env.NEXTAUTH_SECRET || generated.nextauthSecret!,
    masterKey: env.SWITCHYARD_MASTER_KEY || generated.masterKey!,
    previousMasterKeys: fromFile ? (generated.previousMasterKeys ?? []) : [],
    secretsFile: fromFile ? file : null,
  };
  parseMasterKey(secrets.masterKey);
  return secrets;
}

/** The master keys DATA_DIR/secrets.json holds, for a process that rereads it (null: no such file). */
export function readMasterKeysFile(file: string): { masterKey: string; previousMasterKeys: string[] } | null {
  if (!existsSync(file)) return null;
  const parsed = storedSecrets.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success || !parsed.data.masterKey) return null;
  return { masterKey: parsed.data.masterKey, previousMasterKeys: parsed.data.previousMasterKeys ?? [] };
}

/**
 * A rotation's first step on a generated key: `next` becomes the key that seals at the next start,
 * the current one joins the keys that only decrypt. Written whole to a temporary file and renamed,
 * so a crash never leaves a half-written file that would lose a key.
 */
export function writeRotatedMasterKey(file: string, next: string): void {
  const stored = storedSecrets.parse(JSON.parse(readFileSync(file, "utf8")));
  if (!stored.masterKey) throw new ConfigError(`${file} holds no master key`);
  if (stored.masterKey === next) return;
  const updated = {
    ...stored,
    masterKey: next,
    previousMasterKeys: [
      stored.masterKey,
      ...(stored.previousMasterKeys ?? []).filter((k) => k !== next && k !== stored.masterKey),
    ],
  };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(updated, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, file);
}
