import type { Db } from "../db/client.ts";
import { byokKeyAad, platformKeyAad } from "./master-key.ts";
import { keyId, keyRing, open, seal, sealedWith, type KeyRing } from "./secret-box.ts";

export type RotationReport = {
  newKeyId: string;
  /** Re-sealed with the new key now. */
  platformKeys: number;
  byokKeys: number;
  /** Already sealed with the new key (a rotation run again after an interruption). */
  alreadyRotated: number;
  /** Rows none of the held keys opens: left as they are, named so an operator can act. */
  unreadable: { table: "providers" | "user_provider_keys"; id: string }[];
};

type Row = { id: string; sealed: string; aad: string };

/**
 * Re-seals every stored provider key (platform keys and users' BYOK keys) with `next`, in batches,
 * each batch one transaction that locks its rows, so app processes keep reading and writing keys
 * while it runs. Processes must hold `next` for opening before this starts (SWITCHYARD_MASTER_KEY_NEW,
 * or the secrets file they reread on a miss): from the first batch on, some rows need it. Safe to
 * run again: rows already sealed with `next` are skipped.
 */
export async function rotateMasterKey(
  db: Db,
  held: KeyRing,
  next: Buffer,
  opts: { batchSize?: number; onBatch?: (done: number) => void } = {},
): Promise<RotationReport> {
  const batchSize = opts.batchSize ?? 100;
  const ring = keyRing(next, [...held.byId.values()]);
  const nextId = keyId(next);
  const report: RotationReport = { newKeyId: nextId, platformKeys: 0, byokKeys: 0, alreadyRotated: 0, unreadable: [] };

  const pass = async (table: "providers" | "user_provider_keys") => {
    let after = "";
    for (;;) {
      const done = await db.$transaction(async (tx) => {
        const rows: Row[] =
          table === "providers"
            ? (
                await tx.$queryRaw<{ id: string; sealed: string }[]>`
                SELECT id, api_key_ciphertext AS sealed FROM providers WHERE api_key_ciphertext IS NOT NULL AND id > ${after}
                ORDER BY id LIMIT ${batchSize} FOR UPDATE`
              ).map((r) => ({ ...r, aad: platformKeyAad(r.id) }))
            : (
                await tx.$queryRaw<{ id: string; sealed: string; user_id: string; provider_id: string }[]>`
                SELECT id, ciphertext AS sealed, user_id, provider_id FROM user_provider_keys WHERE id > ${after}
                ORDER BY id LIMIT ${batchSize} FOR UPDATE`
              ).map((r) => ({ id: r.id, sealed: r.sealed, aad: byokKeyAad(r.user_id, r.provider_id) }));
        for (const r of rows) {
          if (sealedWith(r.sealed) === nextId) {
            report.alreadyRotated++;
            continue;
          }
          let plain: string;
          try {
            plain = open(r.sealed, ring, r.aad);
          } catch {
            report.unreadable.push({ table, id: r.id });
            continue;
          }
          const resealed = seal(plain, ring, r.aad);
          if (table === "providers")
            await tx.$executeRaw`UPDATE providers SET api_key_ciphertext = ${resealed} WHERE id = ${r.id}`;
          else await tx.$executeRaw`UPDATE user_provider_keys SET ciphertext = ${resealed} WHERE id = ${r.id}`;
          if (table === "providers") report.platformKeys++;
          else report.byokKeys++;
        }
        return rows;
      });
      opts.onBatch?.(report.platformKeys + report.byokKeys + report.alreadyRotated);
      if (done.length < batchSize) return;
      after = done.at(-1)!.id;
    }
  };
  await pass("providers");
  await pass("user_provider_keys");
  return report;
}
