import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pidAlive } from "../config/process.ts";
import { EMBEDDED_APP_NAME } from "./embedded-url.ts";
import { guardWireBatches } from "./wire-batch-guard.ts";

/**
 * The embedded database: PGlite (PostgreSQL compiled to WASM) opened by exactly one process and
 * served over the PostgreSQL wire protocol on a Unix socket inside DATA_DIR (mode 0700, so only
 * its owner can connect; PGlite has no passwords). The app server, the CLI and tests all connect
 * to it with `pg`, the same as to a real PostgreSQL.
 */

export type EmbeddedInfo = { pid: number; url: string };
export type EmbeddedServer = EmbeddedInfo & {
  stop(): Promise<void>;
  /** A tarball of the whole database, loadable with `startEmbedded(null, { loadDataDir })`. */
  dump(): Promise<Blob>;
};

export class EmbeddedDbBusyError extends Error {
  constructor(readonly info: EmbeddedInfo) {
    super(`the embedded database in this DATA_DIR is already open by process ${info.pid}`);
  }
}

const LOCK_FILE = "embedded-db.lock";
const INFO_FILE = "embedded-db.json";
// Unix socket paths are limited to ~107 bytes; deeper DATA_DIRs fall back to loopback TCP.
const MAX_SOCKET_PATH = 100;

/** The running embedded database of this DATA_DIR, if another process has it open. */
export function findRunningEmbedded(dataDir: string): EmbeddedInfo | undefined {
  const infoPath = join(dataDir, INFO_FILE);
  if (!existsSync(infoPath)) return undefined;
  try {
    const info = JSON.parse(readFileSync(infoPath, "utf8")) as EmbeddedInfo;
    return pidAlive(info.pid) && info.pid !== process.pid ? info : undefined;
  } catch {
    return undefined;
  }
}

function acquireLock(dataDir: string): void {
  const lockPath = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(readFileSync(lockPath, "utf8"));
      if (Number.isInteger(holder) && holder > 0 && pidAlive(holder)) {
        const info = findRunningEmbedded(dataDir);
        throw new EmbeddedDbBusyError(info ?? { pid: holder, url: "" });
      }
      rmSync(lockPath, { force: true }); // left by a process that died
    }
  }
  throw new Error(`could not lock ${lockPath}`);
}

/**
 * Opens the embedded database and serves it. `dataDir: null` gives a throwaway in-memory
 * database (tests). Throws EmbeddedDbBusyError when another live process already serves it.
 */
export async function startEmbedded(
  dataDir: string | null,
  opts: { loadDataDir?: Blob } = {},
): Promise<EmbeddedServer> {
  let socketDir: string | null = null;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    acquireLock(dataDir);
    socketDir = join(dataDir, "socket");
  }
  try {
    const pglite = new PGlite({
      dataDir: dataDir ? join(dataDir, "pgdata") : undefined,
      loadDataDir: opts.loadDataDir,
    });
    await pglite.waitReady;
    const useUnixSocket = socketDir !== null && join(socketDir, ".s.PGSQL.5432").length <= MAX_SOCKET_PATH;
    if (useUnixSocket) {
      rmSync(socketDir!, { recursive: true, force: true });
      mkdirSync(socketDir!, { mode: 0o700 });
    }
    const server = new PGLiteSocketServer({
      db: guardWireBatches(pglite),
      ...(useUnixSocket ? { path: join(socketDir!, ".s.PGSQL.5432") } : { host: "127.0.0.1", port: 0 }),
      maxConnections: 64,
    });
    await server.start();
    const url = useUnixSocket
      ? `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir!)}&application_name=${EMBEDDED_APP_NAME}`
      : `postgresql://postgres@${server.getServerConn()}/postgres?application_name=${EMBEDDED_APP_NAME}`;
    const info: EmbeddedInfo = { pid: process.pid, url };
    if (dataDir) writeFileSync(join(dataDir, INFO_FILE), JSON.stringify(info) + "\n", { mode: 0o600 });
    let stopped = false;
    return {
      ...info,
      dump: () => pglite.dumpDataDir("none"),
      async stop() {
        if (stopped) return;
        stopped = true;
        await server.stop();
        await pglite.close();
        if (dataDir) {
          rmSync(join(dataDir, INFO_FILE), { force: true });
          rmSync(join(dataDir, LOCK_FILE), { force: true });
        }
      },
    };
  } catch (err) {
    if (dataDir) rmSync(join(dataDir, LOCK_FILE), { force: true });
    throw err;
  }
}
