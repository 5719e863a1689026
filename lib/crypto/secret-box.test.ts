import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCipheriv, randomBytes as bytes } from "node:crypto";
import { keyId, keyRing, open, seal, sealedWith, secretPrefix } from "./secret-box";

describe("secret box (AES-256-GCM)", () => {
  const key = randomBytes(32);

  it("round-trips and never stores the plaintext", () => {
    const sealed = seal("sk-live-abcdef123456", key, "byok:u1:openai");
    expect(sealed).not.toContain("abcdef");
    expect(open(sealed, key, "byok:u1:openai")).toBe("sk-live-abcdef123456");
  });

  it("uses a fresh IV each time", () => {
    expect(seal("same", key, "a")).not.toBe(seal("same", key, "a"));
  });

  it("refuses the wrong key, another row's associated data, and tampering", () => {
    const sealed = seal("secret", key, "byok:u1:openai");
    expect(() => open(sealed, randomBytes(32), "byok:u1:openai")).toThrow();
    expect(() => open(sealed, key, "byok:u2:openai")).toThrow();
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => open(parts.join("."), key, "byok:u1:openai")).toThrow();
  });

  it("names the master key that sealed it, and a ring opens what any of its keys sealed", () => {
    const old = bytes(32);
    const sealedOld = seal("sk-old", old, "provider:p1");
    expect(sealedOld.startsWith(`v2.${keyId(old)}.`)).toBe(true);
    expect(sealedWith(sealedOld)).toBe(keyId(old));
    const ring = keyRing(key, [old]);
    expect(open(sealedOld, ring, "provider:p1")).toBe("sk-old");
    // New seals use the ring's current key.
    expect(sealedWith(seal("sk-new", ring, "provider:p1"))).toBe(keyId(key));
    // A key the process does not hold is named, not guessed at.
    expect(() => open(sealedOld, key, "provider:p1")).toThrow(
      `sealed with master key ${keyId(old)}, which this process does not hold`,
    );
  });

  it("still opens v1 ciphertexts (before key ids) with whichever key of the ring sealed them", () => {
    const old = bytes(32);
    const iv = bytes(12);
    const cipher = createCipheriv("aes-256-gcm", old, iv);
    cipher.setAAD(Buffer.from("byok:u1:p1"));
    const body = Buffer.concat([cipher.update("sk-legacy", "utf8"), cipher.final()]);
    const v1 = ["v1", iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
      .join(".");
    expect(sealedWith(v1)).toBeNull();
    expect(open(v1, keyRing(key, [old]), "byok:u1:p1")).toBe("sk-legacy");
    expect(() => open(v1, key, "byok:u1:p1")).toThrow();
  });

  it("shows only a short prefix", () => {
    expect(secretPrefix("sk-proj-1234567890abcdef")).toBe("sk-pro…");
    expect(secretPrefix("short")).toBe("…");
  });
});
