// Child processes for tests: the real CLI and small scripts, run with tsx from the project root.
import { spawn } from "node:child_process";
import { join } from "node:path";

export const PROJECT_ROOT = join(import.meta.dirname, "..", "..");

export type RunResult = { code: number | null; stdout: string; stderr: string };

/** `node <args>` in the project root, with `env` as the whole environment. */
export function runNode(args: string[], env: NodeJS.ProcessEnv = cleanEnv({}), timeoutMs = 90_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`node ${args.join(" ")} timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `node --import tsx <script> ...args` in the project root. */
export function runTsx(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<RunResult> {
  return runNode(["--import", "tsx", script, ...args], env, timeoutMs);
}

/** The environment of the test process without anything that would pick a database for the child. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  delete env.NODE_OPTIONS;
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  delete env.TEST;
  return { ...env, ...extra };
}
