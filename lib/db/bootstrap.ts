import { join } from "node:path";
import { createDb, type Db } from "./client.ts";
import { migrate } from "./migrate.ts";
import { loadSeedCatalog, seedCatalog } from "../catalog/seed-catalog.ts";
import { upsertUser } from "../users/users.ts";

export const PROJECT_ROOT = join(import.meta.dirname, "..", "..");
export const MIGRATIONS_DIR = join(PROJECT_ROOT, "prisma", "migrations");
export const SEED_CATALOG = join(PROJECT_ROOT, "prisma", "seed-catalog.json");

export type BootstrapOptions = {
  url: string;
  admin?: { email: string; password: string };
  log?: (msg: string) => void;
};

/** Everything a database needs before the app serves: schema, catalog, and the env-given admin. */
export async function bootstrapDatabase(opts: BootstrapOptions): Promise<Db> {
  const log = opts.log ?? (() => {});
  const { applied } = await migrate(opts.url, MIGRATIONS_DIR, log);
  if (!applied.length) log("database schema is up to date");
  const database = createDb(opts.url, 4);
  const seeded = await seedCatalog(database, loadSeedCatalog(SEED_CATALOG));
  if (seeded.providers || seeded.models) log(`seeded ${seeded.providers} providers and ${seeded.models} models`);
  if (opts.admin) {
    const admin = await upsertUser(database, { ...opts.admin, role: "ADMIN" });
    log(`admin ${admin.email} is ready`);
  }
  return database;
}
