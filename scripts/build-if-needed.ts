import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { pidAlive } from "../lib/config/process.ts";

// Everything that changes the production build. Hashing contents (not mtimes) because a fresh
// clone gives every file a new mtime.
const INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package.json",
];

function* files(path: string): Generator<string> {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.endsWith(".test.ts") || entry.name === "node_modules") continue;
    yield* files(join(path, entry.name));
  }
}

export function sourceHash(root: string): string {
  const hash = createHash("sha256");
  for (const input of INPUTS) {
    for (const file of files(join(root, input)))
      hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

function upToDate(root: string, hash: string): boolean {
  const stamp = join(root, ".next", "switchyard-source-hash");
  return existsSync(join(root, ".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === hash;
}

/**
 * Several launchers may start at once from one checkout (several app processes on one
 * PostgreSQL): one builds, the others wait for it and then find the build up to date.
 */
function withBuildLock(root: string, fn: () => void): void {
  mkdirSync(join(root, ".tmp"), { recursive: true });
  const lock = join(root, ".tmp", "build.lock");
  for (;;) {
    try {
      const fd = openSync(lock, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(readFileSync(lock, "utf8"));
      if (!(holder > 0 && pidAlive(holder))) rmSync(lock, { force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Runs `next build` unless .next already holds a build of exactly these sources. */
export function buildIfNeeded(root: string, log: (msg: string) => void): void {
  const hash = sourceHash(root);
  if (upToDate(root, hash)) {
    log("production build is up to date");
    return;
  }
  withBuildLock(root, () => {
    if (upToDate(root, hash)) {
      log("another launcher just built these sources");
      return;
    }
    build(root, hash, log);
  });
}

function build(root: string, hash: string, log: (msg: string) => void): void {
  log("building the app (first start or sources changed; takes a minute or two)…");
  const result = spawnSync(process.execPath, [join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
  writeFileSync(join(root, ".next", "switchyard-source-hash"), hash);
}
