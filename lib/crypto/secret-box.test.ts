import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { open, seal, secretPrefix } from "./secret-box";

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

  it("shows only a short prefix", () => {
    expect(secretPrefix("sk-proj-1234567890abcdef")).toBe("sk-pro…");
    expect(secretPrefix("short")).toBe("…");
  });
});
