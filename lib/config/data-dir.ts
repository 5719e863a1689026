import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

export function dataDir(env: Record<string, string | undefined> = process.env): string {
  const dir = resolve(env.DATA_DIR || "./.data");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
