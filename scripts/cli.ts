// `npm run cli -- <command>`: user create, key create (see docs in README and api.md).
import { parseArgs } from "node:util";
import { dataDir } from "../lib/config/data-dir.ts";
import { createDb, type Db } from "../lib/db/client.ts";
import { bootstrapDatabase } from "../lib/db/bootstrap.ts";
import { findRunningEmbedded, startEmbedded, type EmbeddedServer } from "../lib/db/embedded.ts";
import { createUser } from "../lib/users/users.ts";
import { roleSchema } from "../lib/router/rules.ts";
import { createApiKey } from "../lib/keys/api-keys.ts";
import { verifyLedger } from "../lib/ledger/ledger.ts";
import { noteLedgerVerify } from "../lib/metrics/collect.ts";
import { deleteDemoData, DemoDataExistsError, generateDemoData } from "../lib/finance/demo-data.ts";
import { verifyCharges } from "../lib/finance/verify-charges.ts";
import { rollupDrift } from "../lib/finance/rollup.ts";
import { formatMicros } from "../lib/router/cost.ts";
import { ApiError } from "../lib/http/errors.ts";
import { z } from "zod";
import { randomBytes } from "node:crypto";
import { ensureSecrets, parseMasterKey, secretsFileOf, writeRotatedMasterKey } from "../lib/config/secrets.ts";
import { masterKeyRing } from "../lib/crypto/master-key.ts";
import { rotateMasterKey } from "../lib/crypto/rotate.ts";
import { keyId, type KeyRing } from "../lib/crypto/secret-box.ts";
import { env } from "../lib/config/env.ts";

const USAGE = `usage: npm run cli -- <command>
  user create --email E --password P [--role USER|ADMIN|FINANCE]
  key create --email E [--name N]       prints the new key as the last line
  ledger verify                         recomputes every balance from its entries, checks every charge against
                                        its usage row and the finance rollups against their rows; exit 1 on any mismatch
  demo-data --requests N --users U [--days D] [--seed S] [--reset]
                                        fills the database with demo users (demo-<n>@example.test), their requests
                                        over the last D days (default 90), purchases, refunds, grants and charges;
                                        --reset replaces earlier demo data (without it, existing demo data is an error)
  demo-data --delete                    deletes every demo user with their requests, ledger entries and Stripe events
  keys rotate-master [--finish]         re-seals every stored provider key with a new master key
                                        (SWITCHYARD_MASTER_KEY_NEW, or generated into DATA_DIR/secrets.json);
                                        --finish re-seals what is left with the current key; see README`;

class UsageError extends Error {}

/**
 * Reaches the same database as the app: DATABASE_URL, else the embedded database of DATA_DIR,
 * through the running app's socket if it is up, or opened here (and closed after) if not.
 */
async function openDatabase(): Promise<{ db: Db; close: () => Promise<void> }> {
  const url = env("DATABASE_URL");
  if (url) {
    const db = createDb(url, 2);
    return { db, close: () => db.$disconnect() };
  }
  const dir = dataDir();
  const running = findRunningEmbedded(dir);
  if (running) {
    const db = createDb(running.url, 2);
    return { db, close: () => db.$disconnect() };
  }
  const server: EmbeddedServer = await startEmbedded(dir);
  const db = await bootstrapDatabase({ url: server.url });
  return {
    db,
    close: async () => {
      await db.$disconnect();
      await server.stop();
    },
  };
}

async function run(argv: string[]): Promise<void> {
  if (argv[0] === "demo-data") return demoData(argv.slice(1));
  const [noun, verb, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: "string" },
      password: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      finish: { type: "boolean" },
    },
    strict: true,
  });
  const command = `${noun ?? ""} ${verb ?? ""}`;
  if (command === "ledger verify") return verify();
  if (command === "keys rotate-master") return rotateMaster(values.finish === true);
  if (command !== "user create" && command !== "key create")
    throw new UsageError(`unknown command: ${command.trim() || "(none)"}`);
  if (!values.email) throw new UsageError("--email is required");

  if (command === "user create" && !values.password) throw new UsageError("--password is required");
  const role = roleSchema.safeParse((values.role ?? "USER").toUpperCase());
  if (!role.success) throw new UsageError(`--role must be USER, ADMIN or FINANCE (got ${values.role})`);

  const { db, close } = await openDatabase();
  try {
    if (command === "user create") {
      const user = await createUser(db, { email: values.email, password: values.password!, role: role.data });
      console.log(`created ${user.role} ${user.email} (${user.id})`);
    } else {
      const user = await db.user.findUnique({
        where: { email: values.email.trim().toLowerCase() },
        select: { id: true, disabled: true },
      });
      if (!user) throw new UsageError(`no user with email ${values.email}`);
      if (user.disabled) throw new UsageError(`user ${values.email} is disabled`);
      const key = await createApiKey(db, user.id, { name: values.name ?? "cli" });
      console.log(`created key ${key.prefix}… "${key.name}" for ${values.email}; it is shown only once:`);
      console.log(key.key);
    }
  } finally {
    await close();
  }
}

class MismatchError extends Error {}

/**
 * With the master key in the environment, the new one must be given (SWITCHYARD_MASTER_KEY_NEW) and
 * already held by every app process (as an opener) — this command cannot hand it to them. With the
 * generated key of DATA_DIR/secrets.json, the new key is written there first; app processes reread
 * that file within a second, so they can open what is re-sealed from then on.
 */
async function rotateMaster(finish: boolean): Promise<void> {
  const env = process.env;
  let next: string;
  let held: KeyRing;
  if (finish) {
    // No new key: re-seal what is not yet sealed with the key that seals now (saved by processes
    // that still sealed with the old key while the rotation ran).
    const secrets = env.SWITCHYARD_MASTER_KEY ? null : ensureSecrets(dataDir(), env);
    held = secrets
      ? masterKeyRing({
          SWITCHYARD_MASTER_KEY: secrets.masterKey,
          SWITCHYARD_MASTER_KEY_PREVIOUS: secrets.previousMasterKeys.join(","),
        })
      : masterKeyRing(env);
    next = held.current.toString("base64");
  } else if (env.SWITCHYARD_MASTER_KEY) {
    if (!env.SWITCHYARD_MASTER_KEY_NEW) {
      throw new UsageError(
        "the master key comes from the environment: set SWITCHYARD_MASTER_KEY_NEW to the new key (`openssl rand -base64 32`), give it to every app process the same way and restart them, then run this again",
      );
    }
    next = env.SWITCHYARD_MASTER_KEY_NEW;
    parseMasterKey(next);
    held = masterKeyRing(env);
  } else {
    const secrets = ensureSecrets(dataDir(), env);
    next = env.SWITCHYARD_MASTER_KEY_NEW || randomBytes(32).toString("base64");
    parseMasterKey(next);
    held = masterKeyRing({
      SWITCHYARD_MASTER_KEY: secrets.masterKey,
      SWITCHYARD_MASTER_KEY_PREVIOUS: secrets.previousMasterKeys.join(","),
    });
    writeRotatedMasterKey(secretsFileOf(dataDir()), next);
    console.log(
      `wrote the new master key ${keyId(parseMasterKey(next))} to ${secretsFileOf(dataDir())} (the old one stays there to decrypt); waiting for app processes to read it`,
    );
    await new Promise((r) => setTimeout(r, 2_500));
  }
  const { db, close } = await openDatabase();
  try {
    const report = await rotateMasterKey(db, held, parseMasterKey(next), {
      onBatch: (n) => n % 1000 === 0 && n > 0 && console.log(`  ${n} keys done`),
    });
    console.log(
      `re-sealed ${report.platformKeys} platform key(s) and ${report.byokKeys} BYOK key(s) with master key ${report.newKeyId}; ${report.alreadyRotated} already were`,
    );
    for (const u of report.unreadable)
      console.error(
        `${u.table} ${u.id} cannot be opened with any held master key: left as it is (its owner has to enter it again)`,
      );
    console.log(
      env.SWITCHYARD_MASTER_KEY
        ? finish
          ? "when this re-seals nothing, SWITCHYARD_MASTER_KEY_PREVIOUS can be dropped"
          : "next: start every app process with SWITCHYARD_MASTER_KEY set to the new key and SWITCHYARD_MASTER_KEY_PREVIOUS to the old one (no _NEW), then run `keys rotate-master --finish` (it re-seals what old processes saved meanwhile); when it re-seals nothing, drop SWITCHYARD_MASTER_KEY_PREVIOUS"
        : finish
          ? "when this re-seals nothing, the old keys in secrets.json (previousMasterKeys) can be deleted"
          : "next: restart the app when convenient (it then seals with the new key), then run `keys rotate-master --finish`; when it re-seals nothing, the old key in secrets.json (previousMasterKeys) can be deleted",
    );
    if (report.unreadable.length) throw new MismatchError("unreadable keys");
  } finally {
    await close();
  }
}

function wholeNumber(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new UsageError(`--${name} must be a whole number (got ${value})`);
  return Number(value);
}

async function demoData(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      requests: { type: "string" },
      users: { type: "string" },
      days: { type: "string" },
      seed: { type: "string" },
      reset: { type: "boolean" },
      delete: { type: "boolean" },
    },
    strict: true,
  });
  if (values.delete) {
    const { db, close } = await openDatabase();
    try {
      const d = await deleteDemoData(db);
      console.log(
        `deleted ${d.users} demo users, ${d.usageRows} requests, ${d.ledgerEntries} ledger entries and ${d.stripeEvents} Stripe events`,
      );
    } finally {
      await close();
    }
    return;
  }
  const requests = wholeNumber("requests", values.requests);
  const users = wholeNumber("users", values.users);
  if (users < 1) throw new UsageError("--users must be at least 1");
  const days = wholeNumber("days", values.days, 90);
  if (days < 1 || days > 3660) throw new UsageError("--days must be from 1 to 3660");
  const seed = wholeNumber("seed", values.seed, 1);
  if (seed > 2 ** 31) throw new UsageError("--seed must be at most 2^31");
  const { db, close } = await openDatabase();
  try {
    const r = await generateDemoData(db, {
      requests,
      users,
      days,
      seed,
      reset: values.reset === true,
      log: (line) => console.log(line),
    });
    console.log(
      `demo data: ${r.users} users, ${r.requests} requests (${r.chargedRequests} charged, ${formatMicros(r.chargedMicros)}), ${r.ledgerEntries} ledger entries ` +
        `(${r.purchases} purchases for ${formatMicros(r.purchasedMicros)}, ${r.refunds} refunds, ${r.grants} grants), ${r.stripeEvents} Stripe events; ${r.seconds.toFixed(1)} s`,
    );
  } catch (err) {
    if (err instanceof DemoDataExistsError) throw new UsageError(err.message);
    throw err;
  } finally {
    await close();
  }
}

async function verify(): Promise<void> {
  const { db, close } = await openDatabase();
  try {
    const result = await verifyLedger(db);
    for (const m of result.mismatches)
      console.error(`MISMATCH account ${m.accountId} (user ${m.userId}): ${m.problem}`);
    for (const r of result.receivables)
      console.log(
        `OWED account ${r.accountId} (user ${r.userId}) owes ${formatMicros(r.owedMicros)}: requests cost more than their holds`,
      );
    console.log(
      `checked ${result.accounts} accounts and ${result.entries} entries: ${result.mismatches.length ? `${result.mismatches.length} mismatch(es)` : "all balances match their entries"}`,
    );
    if (result.receivables.length) {
      const owed = result.receivables.reduce((sum, r) => sum + r.owedMicros, 0);
      console.log(
        `receivables: ${result.receivables.length} account(s) owe ${formatMicros(owed)} in total (paid models are blocked for them until repaid)`,
      );
    }
    const charges = await verifyCharges(db);
    for (const m of charges.mismatches) console.error(`MISMATCH request ${m.requestId}: ${m.problem}`);
    if (charges.total > charges.mismatches.length)
      console.error(`... and ${charges.total - charges.mismatches.length} more charge mismatch(es)`);
    const pruned = charges.prunedBefore
      ? ` (those before ${charges.prunedBefore.toISOString().slice(0, 10)} by each day's total: their usage rows were pruned)`
      : "";
    console.log(
      `checked ${charges.checked} ledger charges against the usage log${pruned}: ${charges.total ? `${charges.total} mismatch(es)` : "every charge matches its usage row"}`,
    );
    const drift = await rollupDrift(db);
    for (const d of drift) console.error(`MISMATCH finance rollup ${d}`);
    const clean = !(result.mismatches.length || charges.total || drift.length);
    await noteLedgerVerify(db, clean);
    if (!clean) throw new MismatchError("ledger mismatch");
  } finally {
    await close();
  }
}

run(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    if (err instanceof MismatchError) process.exit(1);
    if (err instanceof UsageError) console.error(`${err.message}\n\n${USAGE}`);
    else if (err instanceof ApiError || err instanceof z.ZodError)
      console.error(
        `error: ${err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join(".") || "value"} ${i.message}`).join("; ") : err.message}`,
      );
    else console.error(`error: ${err instanceof Error ? err.message : err}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
