// Master key rotation: every stored provider key (platform and BYOK) re-sealed with a new master
// key while requests that need them keep being served, a second run re-seals nothing, and the old
// key can then be dropped. Also the CLI (`npm run cli -- keys rotate-master`). Both databases.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { masterKeyRing } from "../../lib/crypto/master-key.ts";
import { rotateMasterKey } from "../../lib/crypto/rotate.ts";
import { keyId } from "../../lib/crypto/secret-box.ts";
import { invalidateIdentity } from "../../lib/auth/identity-cache.ts";
import { gateway } from "../../lib/gateway/context.ts";
import { startGatewayFixture, type FixtureCaller, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { cleanEnv, runTsx } from "../helpers/run.ts";
import { sql } from "../setup/test-db.ts";

let f: GatewayFixture;
let caller: FixtureCaller;
const saved = { ...process.env };

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("rot-platform", { priority: 90 });
  await f.addModel("rot-platform", "mock-small", { level: "ECO", input: 0, output: 0 });
  await f.addProvider("rot-byok", { priority: 80, withKey: false });
  await f.addModel("rot-byok", "mock-large", { level: "BALANCED", input: 1, output: 1 });
  caller = await f.newCaller("rotation", 5_000_000);
  expect((await caller.call("/api/byok", { body: { provider: "rot-byok", api_key: "upstream-secret" } })).status).toBe(
    201,
  );
});
afterAll(async () => {
  for (const k of ["SWITCHYARD_MASTER_KEY", "SWITCHYARD_MASTER_KEY_PREVIOUS", "SWITCHYARD_MASTER_KEY_NEW"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await f?.close();
});

const stored = async () => [
  ...(
    await sql<{ c: string }>(
      f.url,
      "SELECT api_key_ciphertext AS c FROM providers WHERE api_key_ciphertext IS NOT NULL",
    )
  ).map((r) => r.c),
  ...(await sql<{ c: string }>(f.url, "SELECT ciphertext AS c FROM user_provider_keys")).map((r) => r.c),
];
const ask = (model: string) =>
  caller.call("/api/v1/chat/completions", {
    body: { model, max_tokens: 8, messages: [{ role: "user", content: "hi" }] },
  });
/** What a restart does: no cached ciphertexts. */
const forgetCaches = () => {
  invalidateIdentity();
  gateway().catalog.invalidate();
};

describe("master key rotation", () => {
  it("re-seals every stored key while requests keep being served; a second run re-seals nothing; the old key can go", async () => {
    const oldKey = masterKeyRing().current;
    const newKey = randomBytes(32);
    expect(await stored()).toHaveLength(2);
    expect((await stored()).every((c) => c.startsWith(`v2.${keyId(oldKey)}.`))).toBe(true);

    // Step 1, as the README says: every app process gets the new key to open with.
    process.env.SWITCHYARD_MASTER_KEY_NEW = newKey.toString("base64");
    let stop = false;
    const statuses: number[] = [];
    const traffic = (async () => {
      while (!stop) {
        const res = await Promise.all([ask("rot-platform/mock-small"), ask("rot-byok/mock-large")]);
        statuses.push(...res.map((r) => r.status));
        forgetCaches(); // every round reads the ciphertexts as they are now
      }
    })();
    const report = await rotateMasterKey(f.db, masterKeyRing(), newKey, { batchSize: 1 });
    expect(report).toEqual({
      newKeyId: keyId(newKey),
      platformKeys: 1,
      byokKeys: 1,
      alreadyRotated: 0,
      unreadable: [],
    });

    // Step 2: the new key seals, the old one only opens.
    process.env.SWITCHYARD_MASTER_KEY = newKey.toString("base64");
    process.env.SWITCHYARD_MASTER_KEY_PREVIOUS = oldKey.toString("base64");
    delete process.env.SWITCHYARD_MASTER_KEY_NEW;
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await traffic;
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(
      statuses.every((s) => s === 200),
      statuses.join(","),
    ).toBe(true);

    expect(await rotateMasterKey(f.db, masterKeyRing(), newKey)).toMatchObject({
      platformKeys: 0,
      byokKeys: 0,
      alreadyRotated: 2,
      unreadable: [],
    });
    expect((await stored()).every((c) => c.startsWith(`v2.${keyId(newKey)}.`))).toBe(true);

    // Step 3: the old key is dropped; after a restart every key still opens.
    delete process.env.SWITCHYARD_MASTER_KEY_PREVIOUS;
    forgetCaches();
    expect((await ask("rot-platform/mock-small")).status).toBe(200);
    expect((await ask("rot-byok/mock-large")).status).toBe(200);
  });

  it("names rows no held key opens instead of failing the run", async () => {
    await sql(f.url, "UPDATE user_provider_keys SET ciphertext = 'v2.deadbeef.AAAA.AAAA.AAAA' WHERE user_id = $1", [
      caller.id,
    ]);
    const next = randomBytes(32);
    const report = await rotateMasterKey(f.db, masterKeyRing(), next);
    expect(report.unreadable).toEqual([{ table: "user_provider_keys", id: expect.any(String) }]);
    expect(report.platformKeys).toBe(1);
    process.env.SWITCHYARD_MASTER_KEY = next.toString("base64"); // the rotation completed: the new key seals
  });
});

describe("npm run cli -- keys rotate-master", () => {
  it("with the master key in the environment, asks for SWITCHYARD_MASTER_KEY_NEW (the app processes must hold it first), then rotates and says what to do next", async () => {
    const current = process.env.SWITCHYARD_MASTER_KEY!;
    const env = { DATABASE_URL: f.url, SWITCHYARD_MASTER_KEY: current };
    const refused = await runTsx("scripts/cli.ts", ["keys", "rotate-master"], cleanEnv(env));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/SWITCHYARD_MASTER_KEY_NEW/);

    const next = randomBytes(32).toString("base64");
    const run = await runTsx(
      "scripts/cli.ts",
      ["keys", "rotate-master"],
      cleanEnv({ ...env, SWITCHYARD_MASTER_KEY_NEW: next }),
    );
    expect(run.code, run.stderr).toBe(1); // one row was made unreadable above: named, and the exit says so
    expect(run.stdout).toMatch(/re-sealed 1 platform key\(s\) and 0 BYOK key\(s\) with master key [0-9a-f]{8}/);
    expect(run.stderr).toMatch(/user_provider_keys \S+ cannot be opened with any held master key/);
    expect(run.stdout).toMatch(/SWITCHYARD_MASTER_KEY_PREVIOUS/);

    // After promoting the new key, --finish re-seals nothing more and changes no key.
    const finish = await runTsx(
      "scripts/cli.ts",
      ["keys", "rotate-master", "--finish"],
      cleanEnv({ DATABASE_URL: f.url, SWITCHYARD_MASTER_KEY: next, SWITCHYARD_MASTER_KEY_PREVIOUS: current }),
    );
    expect(finish.stdout).toMatch(
      /re-sealed 0 platform key\(s\) and 0 BYOK key\(s\) with master key [0-9a-f]{8}; 1 already were/,
    );
    expect(finish.stdout).toMatch(/can be dropped/);
  });
});
