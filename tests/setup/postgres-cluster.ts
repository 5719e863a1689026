// vitest globalSetup of the `postgres` project: a throwaway PostgreSQL 15 cluster for one test run.
// Tests get its superuser URL through inject("pgAdminUrl") and create one database each.
// The benchmarks start the same cluster through startPostgresCluster().
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("could not get a free port"))));
    });
  });
}

function postgresUid(): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

export type PostgresCluster = {
  /** Superuser URL of the `postgres` database (trust auth, loopback only). */
  adminUrl: string;
  /** Stops the server and deletes its directory. Also done at process exit if never called. */
  stop: () => Promise<void>;
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster();
  project.provide("pgAdminUrl", cluster.adminUrl);
  return cluster.stop;
}

/** initdb + pg_ctl start (as the postgres OS user when run as root) on a free loopback port, in a temp directory. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  for (const bin of ["initdb", "pg_ctl"]) {
    if (!existsSync(join(PG_BIN, bin))) {
      throw new Error(
        `PostgreSQL 15 server binaries not found (${join(PG_BIN, bin)}). The postgres test project and the benchmarks need them: ` +
          `apt-get install postgresql-15 (or set PG_BIN). Refusing to skip the PostgreSQL tests.`,
      );
    }
  }
  const asRoot = process.getuid?.() === 0;
  // `runuser -u postgres -- cmd ...` as root (initdb refuses to run as root), the command itself otherwise.
  const run = (bin: string, args: string[]) => {
    const cmd = join(PG_BIN, bin);
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
    return execFileSync(file, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  };

  const dir = mkdtempSync(join(tmpdir(), "switchyard-pg-"));
  const dataDir = join(dir, "data");
  if (asRoot) {
    const { uid, gid } = postgresUid();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);

  const port = await freePort();
  let started = false;
  const teardown = async () => {
    process.off("exit", teardownSync);
    if (started) {
      started = false;
      try {
        run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } catch (err) {
        console.error(`stopping the test PostgreSQL cluster failed: ${(err as Error).message}`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // If vitest dies without running the teardown (Ctrl-C at a bad moment), do not leave a server behind.
  const teardownSync = () => {
    if (!started) return;
    try {
      run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
    } catch {
      // best effort
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", teardownSync);

  try {
    run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    started = true; // from here on, teardown tries to stop it (a start that timed out may still be running)
    run("pg_ctl", ["-D", dataDir, "-o", options, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"]);
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    const log = existsSync(join(dir, "server.log")) ? readFileSync(join(dir, "server.log"), "utf8") : "";
    await teardown();
    throw new Error(
      `could not start the test PostgreSQL cluster: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}${log}`,
      { cause: err },
    );
  }

  return { adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`, stop: teardown };
}
