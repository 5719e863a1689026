import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureSecrets, parseMasterKey } from "./secrets";

const tmp = () => mkdtempSync(join(tmpdir(), "sy-secrets-"));

describe("ensureSecrets", () => {
  it("generates missing secrets once, into a 0600 file, and keeps them across restarts", () => {
    const dir = tmp();
    const first = ensureSecrets(dir, {});
    expect(parseMasterKey(first.masterKey)).toHaveLength(32);
    expect(first.nextauthSecret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, "secrets.json")).mode & 0o777).toBe(0o600);
    expect(ensureSecrets(dir, {})).toEqual(first);
    expect(first).toMatchObject({ previousMasterKeys: [], secretsFile: join(dir, "secrets.json") });
  });

  it("prefers the environment and does not write given secrets to disk", () => {
    const dir = tmp();
    const masterKey = Buffer.alloc(32, 7).toString("base64");
    const secrets = ensureSecrets(dir, { SWITCHYARD_MASTER_KEY: masterKey, NEXTAUTH_SECRET: "x".repeat(40) });
    // A key from the environment is not the file's: processes are not told to reread the file.
    expect(secrets).toEqual({ masterKey, nextauthSecret: "x".repeat(40), previousMasterKeys: [], secretsFile: null });
    expect(() => readFileSync(join(dir, "secrets.json"))).toThrow();
  });

  it("refuses a master key that is not 32 bytes of base64", () => {
    expect(() => ensureSecrets(tmp(), { SWITCHYARD_MASTER_KEY: "too-short" })).toThrow(/32 bytes/);
    expect(() => parseMasterKey(Buffer.alloc(16).toString("base64"))).toThrow(/32 bytes/);
  });
});
