/**
 * The server's log: JSON lines (pino) on stdout, level from LOG_LEVEL (default info; silent,
 * fatal, error, warn, info, debug, trace). One line per gateway request at info (lib/log/request-line.ts),
 * client aborts at info, real failures at error with the request id. Never a secret or a prompt:
 * callers pass ids, names and numbers; error texts go through scrubSecrets first.
 *
 * Written through process.stdout (not pino's own fd writer) so whatever captures stdout — a
 * supervisor, or the secret-scrub test — sees every line.
 */
import pino, { type Logger } from "pino";
import { env, type LOG_LEVELS } from "../config/env.ts";

export function logLevelFromEnv(source: Record<string, string | undefined> = process.env): (typeof LOG_LEVELS)[number] {
  return env("LOG_LEVEL", source);
}

// On globalThis: the fast path (scripts/serve.ts) and Next's bundles share one logger.
const holder = globalThis as unknown as { switchyardLog?: Logger };

export function log(): Logger {
  holder.switchyardLog ??= pino(
    { level: logLevelFromEnv(), base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    process.stdout,
  );
  return holder.switchyardLog;
}

/** Tests: a logger writing elsewhere (a memory stream). */
export function setLogger(logger: Logger | undefined): void {
  holder.switchyardLog = logger;
}
