// Spawns tests/helpers/serve-app.ts as a child process and waits for its URL.
import { spawn, type ChildProcess } from "node:child_process";
import { cleanEnv, PROJECT_ROOT } from "./run.ts";

export type AppProcess = {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  /** Sends `signal` and resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
};

/** `env` is added to the test process's environment minus anything that would pick a database. */
export function spawnAppProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<AppProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/serve-app.ts"], {
    cwd: PROJECT_ROOT,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let out = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  const kill = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill("SIGKILL");
      reject(new Error(`serve-app did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = () => {
      const m = /APP_URL (\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      resolve({ url: m[1]!, pid: child.pid!, child, output: () => out, kill });
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve-app exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
}
