import type { Db } from "../db/client.ts";
import { ConfigError } from "../config/secrets.ts";
import { byokKeyAad, platformKeyAad } from "./master-key.ts";
import { open, type KeyRing } from "./secret-box.ts";

// Enough to tell "the wrong key" from "one damaged row" without reading every key at start.
const SAMPLE = 50;

/**
 * Refuses to start with a master key that opens none of the stored provider keys: every request
 * needing one would fail on its own, one by one, with an error far from the cause. Returns how
 * many of the sampled keys it opened.
 */
export async function checkMasterKey(db: Db, key: Buffer | KeyRing): Promise<{ sampled: number; opened: number }> {
  const [platform, byok] = await Promise.all([
    db.provider.findMany({
      where: { apiKeyCiphertext: { not: null } },
      select: { id: true, apiKeyCiphertext: true },
      take: SAMPLE,
    }),
    db.userProviderKey.findMany({
      select: { userId: true, providerId: true, ciphertext: true },
      take: SAMPLE,
      orderBy: { createdAt: "desc" },
    }),
  ]);
  const sealed = [
    ...platform.map((p) => ({ text: p.apiKeyCiphertext!, aad: platformKeyAad(p.id) })),
    ...byok.map((k) => ({ text: k.ciphertext, aad: byokKeyAad(k.userId, k.providerId) })),
  ];
  let opened = 0;
  for (const s of sealed) {
    try {
      open(s.text, key, s.aad);
      opened++;
    } catch {
      // counted below
    }
  }
  if (sealed.length > 0 && opened === 0) {
    throw new ConfigError(
      `SWITCHYARD_MASTER_KEY opens none of the ${sealed.length} stored provider keys it tried: they were sealed with another master key. ` +
        "Start with the key they were sealed with (the environment's SWITCHYARD_MASTER_KEY, or the one generated into DATA_DIR/secrets.json); " +
        "without it the stored keys cannot be read and have to be entered again.",
    );
  }
  return { sampled: sealed.length, opened };
}
