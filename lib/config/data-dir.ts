import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { env } from "./env.ts";

export function dataDir(source: Record<string, string | undefined> = process.env): string {
  const dir = resolve(env("DATA_DIR", source) ?? "./.data");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
