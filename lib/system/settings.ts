import type { Db } from "../db/client.ts";

export const SIGNUP_ENABLED = "signup.enabled";

export async function getSetting<T>(db: Pick<Db, "systemSetting">, key: string, fallback: T): Promise<T> {
  const row = await db.systemSetting.findUnique({ where: { key } });
  return row ? (row.value as T) : fallback;
}

export async function setSetting(db: Pick<Db, "systemSetting">, key: string, value: unknown): Promise<void> {
  await db.systemSetting.upsert({
    where: { key },
    create: { key, value: value as object },
    update: { value: value as object },
  });
}

export const isSignupEnabled = (db: Pick<Db, "systemSetting">) => getSetting(db, SIGNUP_ENABLED, true);
