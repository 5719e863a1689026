/**
 * Every environment variable Switchyard reads, each with one zod schema. `checkEnv()` runs when a
 * process starts (scripts/start.ts, scripts/serve.ts, instrumentation.ts) and stops it with every
 * problem named: `SWITCHYARD_RATE_LIMIT_RPM=6oo` used to become NaN and silently mean "no limit".
 * Readers take one variable with `env(name)`, parsed again only when its raw text changes (tests
 * set variables per file; a lookup costs one process.env read and one map hit).
 */
import { z } from "zod";

/** Unset and empty are the same: `FOO= npm start` must not turn a default into "". */
const unset = (raw: unknown) => (typeof raw === "string" && raw.trim() === "" ? undefined : raw);

const wholeNumber = (min: number, unit: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number of ${unit}`)
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n >= min, `must be at least ${min} ${unit}`);

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unset, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.output<T>) =>
  z.preprocess(unset, schema.optional()).transform((v) => (v === undefined ? fallback : v) as z.output<T>);

const PORT_RANGE = "must be a port number (1-65535)";

export const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const;

export const DEFAULTS = {
  PORT: 3000,
  SWITCHYARD_RATE_LIMIT_RPM: 600,
  SWITCHYARD_IDENTITY_TTL_MS: 1_000,
  SWITCHYARD_HOLD_TTL_MS: 15 * 60_000,
  SWITCHYARD_SWEEP_INTERVAL_MS: 60_000,
  SWITCHYARD_HEALTH_CHECK_INTERVAL_MS: 60_000,
  SWITCHYARD_CIRCUIT_COOLDOWN_MS: 30_000,
  SWITCHYARD_MAINTENANCE_TICK_MS: 15_000,
  SWITCHYARD_USAGE_RETENTION_DAYS: 400,
} as const;

const SCHEMAS = {
  // Where the data lives.
  DATABASE_URL: optional(
    z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL"),
  ),
  DATA_DIR: optional(z.string()),
  SWITCHYARD_JOURNAL_DIR: optional(z.string()),
  SWITCHYARD_SECRETS_FILE: optional(z.string()),
  // Serving.
  PORT: withDefault(
    z
      .string()
      .trim()
      .regex(/^\d+$/, PORT_RANGE)
      .transform(Number)
      .refine((n) => n >= 1 && n <= 65_535, PORT_RANGE),
    DEFAULTS.PORT,
  ),
  LOG_LEVEL: withDefault(
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`)),
    "info",
  ),
  NEXTAUTH_URL: optional(z.url("must be a URL such as https://gateway.example.com")),
  NEXTAUTH_SECRET: optional(z.string()),
  AUTH_TRUST_HOST: optional(
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["true", "false", "1", "0"], "must be true or false")),
  ),
  SWITCHYARD_TRUSTED_PROXIES: withDefault(
    z.string().transform((s) =>
      s
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean),
    ),
    [] as string[],
  ),
  SWITCHYARD_METRICS_TOKEN: optional(z.string()),
  // Keys (their format is checked where they are opened: lib/crypto/master-key.ts).
  SWITCHYARD_MASTER_KEY: optional(z.string()),
  SWITCHYARD_MASTER_KEY_PREVIOUS: optional(z.string()),
  SWITCHYARD_MASTER_KEY_NEW: optional(z.string()),
  // Limits and timings.
  SWITCHYARD_RATE_LIMIT_RPM: withDefault(wholeNumber(1, "requests per minute"), DEFAULTS.SWITCHYARD_RATE_LIMIT_RPM),
  SWITCHYARD_RATE_LIMIT_TPM: optional(wholeNumber(1, "tokens per minute")),
  SWITCHYARD_IDENTITY_TTL_MS: withDefault(wholeNumber(0, "milliseconds"), DEFAULTS.SWITCHYARD_IDENTITY_TTL_MS),
  SWITCHYARD_HOLD_TTL_MS: withDefault(wholeNumber(1_000, "milliseconds"), DEFAULTS.SWITCHYARD_HOLD_TTL_MS),
  SWITCHYARD_SWEEP_INTERVAL_MS: withDefault(wholeNumber(100, "milliseconds"), DEFAULTS.SWITCHYARD_SWEEP_INTERVAL_MS),
  SWITCHYARD_HEALTH_CHECK_INTERVAL_MS: optional(wholeNumber(100, "milliseconds")),
  SWITCHYARD_CIRCUIT_COOLDOWN_MS: withDefault(wholeNumber(1, "milliseconds"), DEFAULTS.SWITCHYARD_CIRCUIT_COOLDOWN_MS),
  SWITCHYARD_MAINTENANCE_TICK_MS: withDefault(wholeNumber(10, "milliseconds"), DEFAULTS.SWITCHYARD_MAINTENANCE_TICK_MS),
  SWITCHYARD_USAGE_RETENTION_DAYS: withDefault(wholeNumber(1, "days"), DEFAULTS.SWITCHYARD_USAGE_RETENTION_DAYS),
  // Payments.
  STRIPE_SECRET_KEY: optional(z.string()),
  STRIPE_WEBHOOK_SECRET: optional(z.string()),
  STRIPE_API_BASE: optional(z.url("must be a URL")),
  // First admin (scripts/start.ts).
  ADMIN_EMAIL: optional(z.string()),
  ADMIN_PASSWORD: optional(z.string()),
};

export type EnvName = keyof typeof SCHEMAS;
export const ENV_NAMES = Object.keys(SCHEMAS) as EnvName[];
export type Env = { [K in EnvName]: z.output<(typeof SCHEMAS)[K]> };

/** A variable that does not parse; the message names it and what it must be. */
export class EnvError extends Error {}

function parseOne<K extends EnvName>(name: K, raw: string | undefined): Env[K] {
  const r = SCHEMAS[name].safeParse(raw);
  if (r.success) return r.data as Env[K];
  throw new EnvError(`${name}=${JSON.stringify(raw)} ${r.error.issues[0]?.message ?? "is not valid"}`);
}

const seen = new Map<EnvName, { raw: string | undefined; value: unknown }>();

/** One variable, parsed (a default when unset); throws EnvError when it does not parse. */
export function env<K extends EnvName>(name: K, source: Record<string, string | undefined> = process.env): Env[K] {
  const raw = source[name];
  if (source !== process.env) return parseOne(name, raw);
  const hit = seen.get(name);
  if (hit && hit.raw === raw) return hit.value as Env[K];
  const value = parseOne(name, raw);
  seen.set(name, { raw, value });
  return value;
}

/** Every variable at once: the problems, one line each (empty when all parse). */
export function envProblems(source: Record<string, string | undefined> = process.env): string[] {
  const problems: string[] = [];
  for (const name of ENV_NAMES) {
    try {
      parseOne(name, source[name]);
    } catch (err) {
      problems.push(err instanceof EnvError ? err.message : String(err));
    }
  }
  return problems;
}

/** Stops a starting process with every bad variable named, before it serves anything. */
export function checkEnv(source: Record<string, string | undefined> = process.env): void {
  const problems = envProblems(source);
  if (problems.length) throw new EnvError(`Invalid environment:\n  ${problems.join("\n  ")}`);
}
