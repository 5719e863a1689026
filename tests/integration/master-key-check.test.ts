// A start with a master key that opens none of the stored provider keys is refused with a clear
// message (scripts/start.ts runs this check before serving), instead of every request that needs a
// key failing on its own. Both databases.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkMasterKey } from "../../lib/crypto/check-master-key.ts";
import { byokKeyAad, platformKeyAad } from "../../lib/crypto/master-key.ts";
import { keyRing, seal } from "../../lib/crypto/secret-box.ts";
import { ConfigError } from "../../lib/config/secrets.ts";
import { createUser } from "../../lib/users/users.ts";
import { createTestDatabase, type TestDatabase } from "../setup/test-db.ts";

let database: TestDatabase;
const right = randomBytes(32);
const wrong = randomBytes(32);

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

describe("the master key check at start", () => {
  it("passes on a database with no stored keys", async () => {
    expect(await checkMasterKey(database.db, wrong)).toEqual({ sampled: 0, opened: 0 });
  });

  it("opens every stored key with the right master key, refuses a start with another, and counts a partly readable store", async () => {
    const db = database.db;
    const provider = await db.provider.findFirstOrThrow({ where: { requiresKey: true } });
    await db.provider.update({
      where: { id: provider.id },
      data: {
        apiKeyCiphertext: seal("sk-platform-key-1234", right, platformKeyAad(provider.id)),
        apiKeyPrefix: "sk-pla…",
      },
    });
    const user = await createUser(db, { email: "byok@master.test", password: "byok-password-1" });
    await db.userProviderKey.create({
      data: {
        userId: user.id,
        providerId: provider.id,
        ciphertext: seal("sk-user-key-5678", right, byokKeyAad(user.id, provider.id)),
        keyPrefix: "sk-use…",
      },
    });

    expect(await checkMasterKey(db, right)).toEqual({ sampled: 2, opened: 2 });
    const refused = await checkMasterKey(db, wrong).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(/opens none of the 2 stored provider keys/);
    expect((refused as Error).message).toMatch(/DATA_DIR\/secrets\.json/);

    // One key sealed with another master key (restored from elsewhere): the start goes on, and says so.
    const other = await db.provider.findFirstOrThrow({ where: { requiresKey: true, id: { not: provider.id } } });
    await db.provider.update({
      where: { id: other.id },
      data: { apiKeyCiphertext: seal("sk-other-key-9999", wrong, platformKeyAad(other.id)), apiKeyPrefix: "sk-oth…" },
    });
    expect(await checkMasterKey(db, right)).toEqual({ sampled: 3, opened: 2 });
    // Holding the other key as a previous one (SWITCHYARD_MASTER_KEY_PREVIOUS) opens all three.
    expect(await checkMasterKey(db, keyRing(right, [wrong]))).toEqual({ sampled: 3, opened: 3 });
  });
});
