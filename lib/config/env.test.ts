import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkEnv, DEFAULTS, env, ENV_NAMES, EnvError, envProblems } from "./env.ts";

afterEach(() => vi.unstubAllEnvs());

describe("environment", () => {
  it("refuses a typo at start, naming the variable and what it must be (it used to become NaN: no limit)", () => {
    expect(() => checkEnv({ SWITCHYARD_RATE_LIMIT_RPM: "6oo" })).toThrow(EnvError);
    expect(() => checkEnv({ SWITCHYARD_RATE_LIMIT_RPM: "6oo" })).toThrow(
      'SWITCHYARD_RATE_LIMIT_RPM="6oo" must be a whole number of requests per minute',
    );
  });

  it("lists every problem at once", () => {
    const problems = envProblems({
      PORT: "70000",
      LOG_LEVEL: "loud",
      DATABASE_URL: "mysql://x",
      SWITCHYARD_USAGE_RETENTION_DAYS: "0",
      SWITCHYARD_CIRCUIT_COOLDOWN_MS: "-5",
      NEXTAUTH_URL: "not a url",
    });
    expect(problems).toEqual([
      'DATABASE_URL="mysql://x" must be a postgres:// or postgresql:// URL',
      'PORT="70000" must be a port number (1-65535)',
      'LOG_LEVEL="loud" must be one of silent, fatal, error, warn, info, debug, trace',
      'NEXTAUTH_URL="not a url" must be a URL such as https://gateway.example.com',
      'SWITCHYARD_CIRCUIT_COOLDOWN_MS="-5" must be a whole number of milliseconds',
      'SWITCHYARD_USAGE_RETENTION_DAYS="0" must be at least 1 days',
    ]);
    expect(envProblems({})).toEqual([]);
  });

  it("gives the defaults when unset or empty, and parses what is set", () => {
    expect(env("SWITCHYARD_RATE_LIMIT_RPM", {})).toBe(DEFAULTS.SWITCHYARD_RATE_LIMIT_RPM);
    expect(env("SWITCHYARD_RATE_LIMIT_RPM", { SWITCHYARD_RATE_LIMIT_RPM: "  " })).toBe(600);
    expect(env("SWITCHYARD_RATE_LIMIT_TPM", {})).toBeUndefined();
    expect(env("SWITCHYARD_RATE_LIMIT_TPM", { SWITCHYARD_RATE_LIMIT_TPM: " 90000 " })).toBe(90_000);
    expect(env("LOG_LEVEL", { LOG_LEVEL: "DEBUG" })).toBe("debug");
    expect(env("SWITCHYARD_TRUSTED_PROXIES", { SWITCHYARD_TRUSTED_PROXIES: "10.0.0.0/8, ,127.0.0.1" })).toEqual([
      "10.0.0.0/8",
      "127.0.0.1",
    ]);
    expect(env("PORT", {})).toBe(3000);
  });

  it("reads process.env again when a variable changes (tests set them per file)", () => {
    vi.stubEnv("SWITCHYARD_CIRCUIT_COOLDOWN_MS", "1234");
    expect(env("SWITCHYARD_CIRCUIT_COOLDOWN_MS")).toBe(1234);
    vi.stubEnv("SWITCHYARD_CIRCUIT_COOLDOWN_MS", "99");
    expect(env("SWITCHYARD_CIRCUIT_COOLDOWN_MS")).toBe(99);
    vi.stubEnv("SWITCHYARD_CIRCUIT_COOLDOWN_MS", "soon");
    expect(() => env("SWITCHYARD_CIRCUIT_COOLDOWN_MS")).toThrow(EnvError);
  });

  it("declares every SWITCHYARD_ variable the code mentions (none is read around the schema)", () => {
    const root = join(import.meta.dirname, "..", "..");
    const names = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        if (entry === "generated" || entry === "node_modules") continue;
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(entry) && !entry.endsWith(".test.ts"))
          for (const m of readFileSync(path, "utf8").matchAll(/\bSWITCHYARD_[A-Z0-9_]+\b/g)) names.add(m[0]);
      }
    };
    for (const dir of ["lib", "app", "scripts"]) walk(join(root, dir));
    const missing = [...names].filter((n) => !(ENV_NAMES as readonly string[]).includes(n));
    expect(missing).toEqual([]);
    expect(names.size).toBeGreaterThan(10);
  });
});
