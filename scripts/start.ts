// `npm start`: build if needed, open the database (embedded PGlite in DATA_DIR, or DATABASE_URL),
// migrate, seed, ensure the admin, then serve Next.js. One command, no configuration.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { dataDir } from "../lib/config/data-dir.ts";
import { ensureSecrets } from "../lib/config/secrets.ts";
import { checkMasterKey } from "../lib/crypto/check-master-key.ts";
import { checkEnv, env } from "../lib/config/env.ts";
import { masterKeyRing } from "../lib/crypto/master-key.ts";
import { bootstrapDatabase, PROJECT_ROOT } from "../lib/db/bootstrap.ts";
import { EmbeddedDbBusyError, startEmbedded, type EmbeddedServer } from "../lib/db/embedded.ts";
import { parseIpRanges, trustedProxies } from "../lib/http/trusted-proxy.ts";
import { buildIfNeeded } from "./build-if-needed.ts";

const log = (msg: string) => console.log(`[switchyard] ${msg}`);

async function main() {
  // Every variable at once, before anything starts: a typo would otherwise surface at the first
  // request that reads it (or, as NaN, never).
  checkEnv();
  const port = env("PORT");
  const dir = dataDir();
  const secrets = ensureSecrets(dir);
  const admin = adminFromEnv();
  parseIpRanges(trustedProxies());

  buildIfNeeded(PROJECT_ROOT, log);

  let embedded: EmbeddedServer | undefined;
  let url = env("DATABASE_URL");
  if (url) {
    log("using PostgreSQL from DATABASE_URL");
  } else {
    try {
      embedded = await startEmbedded(dir);
    } catch (err) {
      if (err instanceof EmbeddedDbBusyError) {
        throw new Error(`another Switchyard (pid ${err.info.pid}) already serves ${dir}; stop it or set DATA_DIR`, {
          cause: err,
        });
      }
      throw err;
    }
    url = embedded.url;
    log(`embedded database in ${join(dir, "pgdata")}`);
  }

  const database = await bootstrapDatabase({ url, admin, log });
  try {
    const previous = [process.env.SWITCHYARD_MASTER_KEY_PREVIOUS, ...secrets.previousMasterKeys]
      .filter(Boolean)
      .join(",");
    const check = await checkMasterKey(
      database,
      masterKeyRing({
        ...process.env,
        SWITCHYARD_MASTER_KEY: secrets.masterKey,
        SWITCHYARD_MASTER_KEY_PREVIOUS: previous,
      }),
    );
    if (check.opened < check.sampled)
      log(
        `warning: the master key opens ${check.opened} of ${check.sampled} stored provider keys sampled; the others were sealed with another key and will fail when used`,
      );
  } finally {
    await database.$disconnect();
  }

  const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "scripts", "serve.ts")], {
    cwd: PROJECT_ROOT,
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      NODE_OPTIONS:
        `${process.env.NODE_OPTIONS ?? ""} --require ${join(PROJECT_ROOT, "scripts", "exit-with-parent.cjs")} --require ${join(PROJECT_ROOT, "scripts", "record-peer.cjs")}`.trim(),
      NODE_ENV: "production",
      // Settles written after a reply's last byte are journaled here first (lib/ledger/settlements.ts).
      SWITCHYARD_JOURNAL_DIR: process.env.SWITCHYARD_JOURNAL_DIR || join(dir, "journal"),
      PORT: String(port),
      DATABASE_URL: url,
      NEXTAUTH_SECRET: secrets.nextauthSecret,
      SWITCHYARD_MASTER_KEY: secrets.masterKey,
      // Keys a rotation replaced still decrypt; with a generated key the process rereads its file.
      SWITCHYARD_MASTER_KEY_PREVIOUS: [process.env.SWITCHYARD_MASTER_KEY_PREVIOUS, ...secrets.previousMasterKeys]
        .filter(Boolean)
        .join(","),
      ...(secrets.secretsFile ? { SWITCHYARD_SECRETS_FILE: secrets.secretsFile } : {}),
      // Without a configured public URL, next-auth takes the origin from X-Forwarded-Host/Proto,
      // which proxy.ts rewrites to the origin lib/http/origin.ts trusts (Host, unless a trusted proxy is configured).
      ...(process.env.NEXTAUTH_URL ? {} : { AUTH_TRUST_HOST: "true" }),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  log(`serving on http://localhost:${port}`);

  let stopping = false;
  const childExited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      // The server finishes its replies and writes their settles before it exits: the embedded
      // database must outlive it (15 s at most; the journal covers the rest).
      child.kill("SIGTERM");
      await Promise.race([childExited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    await embedded?.stop();
    process.exit(code);
  };
  child.on("exit", (code, signal) => void stop(code ?? (signal ? 1 : 0)));
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(0));
}

function adminFromEnv(): { email: string; password: string } | undefined {
  const email = process.env.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD;
  if (!email && !password) return undefined;
  if (!email || !password)
    throw new Error("set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither (then the first visitor creates the admin)");
  return { email, password };
}

main().catch((err) => {
  console.error(`[switchyard] cannot start: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
