import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeRotatedMasterKey } from "../config/secrets.ts";
import { masterKeyRing } from "./master-key.ts";
import { keyId } from "./secret-box.ts";

const b64 = () => randomBytes(32).toString("base64");
const ids = (ring: ReturnType<typeof masterKeyRing>) => [...ring.byId.keys()].sort();
const idOf = (k: string) => keyId(Buffer.from(k, "base64"));

describe("the master key ring", () => {
  it("seals with SWITCHYARD_MASTER_KEY and opens with it, the previous keys and the one a rotation is about to use", () => {
    const [current, previous, next] = [b64(), b64(), b64()];
    const ring = masterKeyRing({
      SWITCHYARD_MASTER_KEY: current,
      SWITCHYARD_MASTER_KEY_PREVIOUS: previous,
      SWITCHYARD_MASTER_KEY_NEW: next,
    });
    expect(keyId(ring.current)).toBe(idOf(current));
    expect(ids(ring)).toEqual([current, previous, next].map(idOf).sort());
  });

  it("picks up a key a rotation wrote to the secrets file within about a second, without a restart", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "sy-keys-")), "secrets.json");
    const current = b64();
    writeFileSync(file, JSON.stringify({ masterKey: current }));
    const env = { SWITCHYARD_MASTER_KEY: current, SWITCHYARD_SECRETS_FILE: file };
    expect(ids(masterKeyRing(env))).toEqual([idOf(current)]);
    const next = b64();
    writeRotatedMasterKey(file, next);
    await new Promise((r) => setTimeout(r, 1_100));
    const ring = masterKeyRing(env);
    // The process still seals with the key it started with; it now also opens what the new one seals.
    expect(keyId(ring.current)).toBe(idOf(current));
    expect(ids(ring)).toEqual([current, next].map(idOf).sort());
  });
});
