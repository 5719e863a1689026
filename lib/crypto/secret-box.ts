import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for provider keys at rest. Format: "v2.<key id>.<iv>.<tag>.<ciphertext>"
 * (base64url), where the key id names the master key that sealed it (a short hash of the key, which
 * tells nothing about it), so a process holding several master keys — during and after a rotation —
 * knows which one opens it. "v1.<iv>.<tag>.<ciphertext>" (before key ids) is still read, with each
 * key tried. The associated data binds a ciphertext to its row (e.g. "byok:<user>:<provider>"), so a
 * ciphertext copied into another row does not decrypt.
 */

/** The master keys a process holds: `current` seals, every one opens what it sealed. */
export type KeyRing = { current: Buffer; byId: ReadonlyMap<string, Buffer> };

export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

export function keyRing(current: Buffer, others: Buffer[] = []): KeyRing {
  return { current, byId: new Map([current, ...others].map((k) => [keyId(k), k])) };
}

const ringOf = (keys: Buffer | KeyRing): KeyRing => (Buffer.isBuffer(keys) ? keyRing(keys) : keys);

export function seal(plaintext: string, keys: Buffer | KeyRing, associatedData: string): string {
  const key = ringOf(keys).current;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(associatedData));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    "v2",
    keyId(key),
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    body.toString("base64url"),
  ].join(".");
}

/** The id of the master key that sealed `sealed` (null for a v1 ciphertext, which does not say). */
export function sealedWith(sealed: string): string | null {
  const [version, id] = sealed.split(".");
  return version === "v2" && id ? id : null;
}

export function open(sealed: string, keys: Buffer | KeyRing, associatedData: string): string {
  const ring = ringOf(keys);
  const parts = sealed.split(".");
  if (parts[0] === "v2" && parts.length === 5) {
    const key = ring.byId.get(parts[1]!);
    if (!key) throw new Error(`sealed with master key ${parts[1]}, which this process does not hold`);
    return decrypt(key, parts[2]!, parts[3]!, parts[4]!, associatedData);
  }
  if (parts[0] === "v1" && parts.length === 4) {
    let last: unknown;
    for (const key of ring.byId.values()) {
      try {
        return decrypt(key, parts[1]!, parts[2]!, parts[3]!, associatedData);
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }
  throw new Error("not a sealed secret");
}

function decrypt(key: Buffer, iv: string, tag: string, body: string, associatedData: string): string {
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(associatedData));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

/** What may be shown of a secret: its first characters, never enough to use it. */
export function secretPrefix(secret: string, visible = 6): string {
  return secret.length <= visible + 4 ? "…" : `${secret.slice(0, visible)}…`;
}
