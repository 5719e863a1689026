// globalSetup for the pglite project: PGlite's initdb (in WASM) costs seconds per database, so
// build two databases once per run — empty, and migrated+seeded as `npm start` leaves it — and let
// every test database start from a dump of one of them.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbedded } from "../../lib/db/embedded.ts";
import { bootstrapDatabase } from "../../lib/db/bootstrap.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteEmptyTemplate: string;
    pgliteSeededTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = join(import.meta.dirname, "..", "..", ".tmp", "pglite-templates");
  mkdirSync(dir, { recursive: true });
  const server = await startEmbedded(null);
  try {
    const empty = join(dir, `empty-${process.pid}.tar`);
    writeFileSync(empty, Buffer.from(await (await server.dump()).arrayBuffer()));
    const db = await bootstrapDatabase({ url: server.url });
    await db.$disconnect();
    const seeded = join(dir, `seeded-${process.pid}.tar`);
    writeFileSync(seeded, Buffer.from(await (await server.dump()).arrayBuffer()));
    project.provide("pgliteEmptyTemplate", empty);
    project.provide("pgliteSeededTemplate", seeded);
  } finally {
    await server.stop();
  }
}
