// `npm start` with a bad variable stops before it builds, opens a database or serves anything,
// naming every bad variable (lib/config/env.ts).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("npm start with a bad environment", () => {
  it("exits 1 with each problem named, having touched nothing", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sy-env-"));
    const run = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "start.ts")], {
      env: {
        NODE_ENV: "production",
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATA_DIR: dataDir,
        SWITCHYARD_RATE_LIMIT_RPM: "6oo",
        PORT: "http",
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("cannot start: Invalid environment:");
    expect(run.stderr).toContain('SWITCHYARD_RATE_LIMIT_RPM="6oo" must be a whole number of requests per minute');
    expect(run.stderr).toContain('PORT="http" must be a port number (1-65535)');
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
