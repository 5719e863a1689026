// The credit ledger itself (lib/ledger/ledger.ts): holds, settles, entries, the sweeper and the
// verifier, on a real database of each kind, plus the operator's `ledger verify` CLI.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../lib/db/client.ts";
import { usageFor } from "../helpers/usage-row.ts";
import { writeUsage } from "../helpers/usage-row.ts";
import { ApiError } from "../../lib/http/errors.ts";
import {
  getBalance,
  monthSpend,
  postEntry,
  reserve,
  settle,
  sweepExpiredHolds,
  verifyLedger,
} from "../../lib/ledger/ledger.ts";
import { statement } from "../../lib/ledger/statement.ts";
import { createUser } from "../../lib/users/users.ts";
import { cleanEnv, runTsx, type RunResult } from "../helpers/run.ts";
import { createTestDatabase, dbKind, sql, type TestDatabase } from "../setup/test-db.ts";

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(() => database?.drop());

let seq = 0;
async function newUser(): Promise<string> {
  const u = await createUser(db, {
    email: `ledger-${++seq}-${randomUUID().slice(0, 8)}@test.example`,
    password: "ledger-password",
  });
  return u.id;
}
const grant = (userId: string, micros: number, idempotencyKey?: string) =>
  postEntry(db, { userId, type: "GRANT", amountMicros: micros, reference: "test grant", idempotencyKey });

async function entriesOf(userId: string) {
  return sql<{ id: string; type: string; amount: string; after: string; key: string | null; reference: string }>(
    database.url,
    `SELECT e.id::text, e.type::text, e.amount_micros::text AS amount, e.balance_after_micros::text AS after, e.idempotency_key AS key, e.reference
     FROM ledger_entries e JOIN credit_accounts a ON a.id = e.account_id WHERE a.user_id = $1 ORDER BY e.id`,
    [userId],
  );
}
async function reservation(id: string) {
  const rows = await sql<{ status: string; amount: string; closed: boolean }>(
    database.url,
    "SELECT status::text, amount_micros::text AS amount, closed_at IS NOT NULL AS closed FROM reservations WHERE id = $1",
    [id],
  );
  return rows[0];
}
const cli = (): Promise<RunResult> =>
  runTsx("scripts/cli.ts", ["ledger", "verify"], cleanEnv({ DATABASE_URL: database.url }));
const explain = (r: RunResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

describe("reserve / settle / release", () => {
  it("settle charges once even when called twice (in turn and racing) for one request; verify and the CLI are clean", async () => {
    const user = await newUser();
    await grant(user, 1_000_000);

    await reserve(db, user, "req-twice", 300_000);
    expect(await getBalance(db, user)).toEqual({
      balanceMicros: 1_000_000,
      reservedMicros: 300_000,
      availableMicros: 700_000,
    });
    expect(await reservation("req-twice")).toMatchObject({ status: "HELD", amount: "300000" });

    const first = await settle(db, user, "req-twice", 120_000, "request req-twice", usageFor(user, "req-twice"));
    expect(first).toMatchObject({ chargedMicros: 120_000, balanceMicros: 880_000, availableMicros: 880_000 });
    const again = await settle(db, user, "req-twice", 120_000, "request req-twice", usageFor(user, "req-twice"));
    expect(again).toMatchObject({ chargedMicros: 0, balanceMicros: 880_000, availableMicros: 880_000 });
    expect(await reservation("req-twice")).toMatchObject({ status: "SETTLED", closed: true });

    // Two settles of one request at the same moment (e.g. a stream's end and its cancel).
    await reserve(db, user, "req-race", 200_000);
    const raced = await Promise.all([
      settle(db, user, "req-race", 150_000, "request req-race", usageFor(user, "req-race")),
      settle(db, user, "req-race", 150_000, "request req-race", usageFor(user, "req-race")),
    ]);
    expect(raced.map((r) => r.chargedMicros).sort((a, b) => a - b)).toEqual([0, 150_000]);

    expect(await getBalance(db, user)).toEqual({ balanceMicros: 730_000, reservedMicros: 0, availableMicros: 730_000 });
    const entries = await entriesOf(user);
    expect(entries.map((e) => [e.type, e.amount, e.after, e.key])).toEqual([
      ["GRANT", "1000000", "1000000", null],
      ["CHARGE", "-120000", "880000", "charge:req-twice"],
      ["CHARGE", "-150000", "730000", "charge:req-race"],
    ]);

    expect((await verifyLedger(db)).mismatches).toEqual([]);
    const run = await cli();
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toMatch(/all balances match their entries/);
  });

  it("settling with a zero charge releases the hold and writes no entry", async () => {
    const user = await newUser();
    await grant(user, 500_000);
    await reserve(db, user, "req-release", 400_000);
    expect((await getBalance(db, user)).availableMicros).toBe(100_000);
    const r = await settle(db, user, "req-release", 0, "request req-release", usageFor(user, "req-release"));
    expect(r).toMatchObject({ chargedMicros: 0, balanceMicros: 500_000, availableMicros: 500_000 });
    expect(await getBalance(db, user)).toEqual({ balanceMicros: 500_000, reservedMicros: 0, availableMicros: 500_000 });
    expect((await entriesOf(user)).map((e) => e.type)).toEqual(["GRANT"]);
    expect(await reservation("req-release")).toMatchObject({ status: "SETTLED" });
  });

  it("a charge above the hold and the balance is charged whole: the shortfall is owed, named, and verified as a receivable", async () => {
    const user = await newUser();
    await grant(user, 50_000);
    await reserve(db, user, "req-over", 40_000);
    // The upstream billed more than the hold's bound allows: never capped silently.
    const r = await settle(db, user, "req-over", 90_000, "request req-over", usageFor(user, "req-over"));
    expect(r).toMatchObject({
      chargedMicros: 90_000,
      balanceMicros: -40_000,
      availableMicros: -40_000,
      shortfallMicros: 40_000,
    });
    expect(await getBalance(db, user)).toEqual({ balanceMicros: -40_000, reservedMicros: 0, availableMicros: -40_000 });
    const last = (await entriesOf(user)).at(-1)!;
    expect(last).toMatchObject({ type: "CHARGE", amount: "-90000", after: "-40000" });
    expect(last.reference).toBe(
      "request req-over (cost $0.09 exceeded the hold of $0.04; $0.04 not covered by the balance is owed)",
    );
    // While it owes: a new hold is refused; a later charge deepens the debt by exactly its cost.
    await expect(reserve(db, user, "req-after", 1)).rejects.toMatchObject({
      status: 402,
      code: "insufficient_credits",
    });
    expect(await settle(db, user, "req-none", 10_000, "request req-none", usageFor(user, "req-none"))).toMatchObject({
      chargedMicros: 10_000,
      balanceMicros: -50_000,
      shortfallMicros: 10_000,
    });
    // A negative correction may not deepen it; a grant pays it off first.
    await expect(
      postEntry(db, { userId: user, type: "CORRECTION", amountMicros: -1, reference: "x" }),
    ).rejects.toMatchObject({ status: 409 });
    expect(await postEntry(db, { userId: user, type: "GRANT", amountMicros: 20_000, reference: "part" })).toMatchObject(
      { balanceAfterMicros: -30_000 },
    );
    const verified = await verifyLedger(db);
    expect(verified.mismatches).toEqual([]);
    expect(verified.receivables).toContainEqual(expect.objectContaining({ userId: user, owedMicros: 30_000 }));
    // The operator's CLI lists it without calling it a mismatch.
    const run = await cli();
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`OWED account \\S+ \\(user ${user}\\) owes \\$0\\.03`));
    expect(run.stdout).toMatch(/receivables: \d+ account\(s\) owe/);
  });

  it("verify flags a non-CHARGE entry that took a balance below zero (tampering), and lists what is owed", async () => {
    const user = await newUser();
    await grant(user, 10_000);
    const [account] = await sql<{ id: string }>(database.url, "SELECT id FROM credit_accounts WHERE user_id = $1", [
      user,
    ]);
    await sql(
      database.url,
      "INSERT INTO ledger_entries (account_id, type, amount_micros, balance_after_micros, reference, created_at) VALUES ($1, 'CORRECTION', -30000, -20000, 'forged', now())",
      [account!.id],
    );
    await sql(database.url, "UPDATE credit_accounts SET balance_micros = -20000 WHERE id = $1", [account!.id]);
    const verified = await verifyLedger(db);
    expect(verified.mismatches).toContainEqual(
      expect.objectContaining({
        userId: user,
        problem: expect.stringContaining("a CORRECTION took the balance below zero"),
      }),
    );
    await sql(database.url, "DELETE FROM ledger_entries WHERE reference = 'forged'");
    await sql(database.url, "UPDATE credit_accounts SET balance_micros = 10000 WHERE id = $1", [account!.id]);
  });

  it("a hold blocks other reservations: available = balance − held", async () => {
    const user = await newUser();
    await grant(user, 100_000);
    await reserve(db, user, "hold-a", 70_000);
    expect(await getBalance(db, user)).toEqual({
      balanceMicros: 100_000,
      reservedMicros: 70_000,
      availableMicros: 30_000,
    });

    const refused = await reserve(db, user, "hold-b", 40_000).catch((e) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 402, code: "insufficient_credits" });
    expect(await reservation("hold-b")).toBeUndefined();

    await reserve(db, user, "hold-c", 30_000);
    expect((await getBalance(db, user)).availableMicros).toBe(0);
    await expect(reserve(db, user, "hold-d", 1)).rejects.toMatchObject({ status: 402 });

    await settle(db, user, "hold-a", 0, "release", usageFor(user, "hold-a"));
    expect(await getBalance(db, user)).toEqual({
      balanceMicros: 100_000,
      reservedMicros: 30_000,
      availableMicros: 70_000,
    });
    await settle(db, user, "hold-c", 0, "release", usageFor(user, "hold-c"));
    expect(await getBalance(db, user)).toEqual({ balanceMicros: 100_000, reservedMicros: 0, availableMicros: 100_000 });
  });

  it("racing reservations never hold more than the balance", async () => {
    const user = await newUser();
    await grant(user, 100_000);
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => reserve(db, user, `race-${user}-${i}`, 10_000)),
    );
    const ok = results.filter((r) => r.status === "fulfilled").length;
    const refused = results.filter((r) => r.status === "rejected" && (r.reason as ApiError).status === 402).length;
    expect([ok, refused]).toEqual([10, 15]);
    expect(await getBalance(db, user)).toEqual({ balanceMicros: 100_000, reservedMicros: 100_000, availableMicros: 0 });
    const held = await sql<{ n: string }>(
      database.url,
      "SELECT count(*)::text AS n FROM reservations r JOIN credit_accounts a ON a.id = r.account_id WHERE a.user_id = $1 AND r.status = 'HELD'",
      [user],
    );
    expect(held[0]!.n).toBe("10");
    expect((await verifyLedger(db)).mismatches).toEqual([]);
  });
});

describe("entries", () => {
  it("postEntry refuses to take the balance below zero (409) and writes nothing", async () => {
    const user = await newUser();
    await grant(user, 5_000_000);
    const err = await postEntry(db, {
      userId: user,
      type: "CORRECTION",
      amountMicros: -5_000_001,
      reference: "too much",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409 });
    expect(await getBalance(db, user)).toMatchObject({ balanceMicros: 5_000_000 });
    expect((await entriesOf(user)).map((e) => e.type)).toEqual(["GRANT"]);
    // Exactly to zero is allowed.
    const ok = await postEntry(db, {
      userId: user,
      type: "CORRECTION",
      amountMicros: -5_000_000,
      reference: "all of it",
    });
    expect(ok).toMatchObject({ balanceAfterMicros: 0, duplicate: false });
    // A refund on an empty account is refused too, as are zero and fractional amounts.
    await expect(
      postEntry(db, { userId: user, type: "REFUND", amountMicros: -1, reference: "x" }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(postEntry(db, { userId: user, type: "GRANT", amountMicros: 0, reference: "x" })).rejects.toMatchObject(
      { status: 400 },
    );
    await expect(
      postEntry(db, { userId: user, type: "GRANT", amountMicros: 1.5, reference: "x" }),
    ).rejects.toMatchObject({ status: 400 });
    expect((await entriesOf(user)).length).toBe(2);
    expect((await verifyLedger(db)).mismatches).toEqual([]);
  });

  it("an idempotency key posts once even when 10 posts race", async () => {
    const user = await newUser();
    const key = `stripe-session:cs_race_${user}`;
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        postEntry(db, {
          userId: user,
          type: "PURCHASE",
          amountMicros: 25_000_000,
          reference: "race",
          idempotencyKey: key,
        }),
      ),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id.toString())).size).toBe(1);
    expect(results.every((r) => r.balanceAfterMicros === 25_000_000)).toBe(true);
    expect(await getBalance(db, user)).toMatchObject({ balanceMicros: 25_000_000 });
    expect((await entriesOf(user)).map((e) => [e.type, e.amount, e.key])).toEqual([["PURCHASE", "25000000", key]]);
    // Posted again later: still once.
    expect(
      await postEntry(db, {
        userId: user,
        type: "PURCHASE",
        amountMicros: 25_000_000,
        reference: "late",
        idempotencyKey: key,
      }),
    ).toMatchObject({ duplicate: true });
    expect(await getBalance(db, user)).toMatchObject({ balanceMicros: 25_000_000 });
    expect((await verifyLedger(db)).mismatches).toEqual([]);
  });
});

describe("expired holds", () => {
  it("the sweeper releases an expired hold; a later settle still charges, without releasing twice", async () => {
    const user = await newUser();
    await grant(user, 200_000);
    await reserve(db, user, "sweep-me", 80_000, 1);
    await reserve(db, user, "keep-me", 50_000); // default TTL: not due
    await new Promise((r) => setTimeout(r, 20));
    expect(await getBalance(db, user)).toEqual({
      balanceMicros: 200_000,
      reservedMicros: 130_000,
      availableMicros: 70_000,
    });

    expect(await sweepExpiredHolds(db)).toBe(1);
    expect(await reservation("sweep-me")).toMatchObject({ status: "EXPIRED", closed: true });
    expect(await reservation("keep-me")).toMatchObject({ status: "HELD" });
    expect(await getBalance(db, user)).toEqual({
      balanceMicros: 200_000,
      reservedMicros: 50_000,
      availableMicros: 150_000,
    });
    expect(await sweepExpiredHolds(db)).toBe(0);

    // The request was only slow: its tokens were produced, so it is charged; the hold is not released again.
    const r = await settle(db, user, "sweep-me", 30_000, "request sweep-me", usageFor(user, "sweep-me"));
    expect(r).toMatchObject({ chargedMicros: 30_000, balanceMicros: 170_000, availableMicros: 120_000 });
    expect(await getBalance(db, user)).toEqual({
      balanceMicros: 170_000,
      reservedMicros: 50_000,
      availableMicros: 120_000,
    });
    expect(await reservation("sweep-me")).toMatchObject({ status: "EXPIRED" });
    // and settling it again charges nothing more
    expect(await settle(db, user, "sweep-me", 30_000, "request sweep-me", usageFor(user, "sweep-me"))).toMatchObject({
      chargedMicros: 0,
      balanceMicros: 170_000,
    });

    await settle(db, user, "keep-me", 0, "release", usageFor(user, "keep-me"));
    expect(await getBalance(db, user)).toEqual({ balanceMicros: 170_000, reservedMicros: 0, availableMicros: 170_000 });
    expect((await verifyLedger(db)).mismatches).toEqual([]);
  });
});

describe("verifyLedger detects tampering", () => {
  it("a corrupted balance, balance_after or reserved amount is a mismatch, and the CLI exits 1", async () => {
    const user = await newUser();
    await grant(user, 300_000);
    await grant(user, 200_000);
    await reserve(db, user, "tamper-hold", 10_000);
    expect((await verifyLedger(db)).mismatches).toEqual([]);
    const account = (
      await sql<{ id: string }>(database.url, "SELECT id FROM credit_accounts WHERE user_id = $1", [user])
    )[0]!.id;
    const mine = async () => (await verifyLedger(db)).mismatches.filter((m) => m.accountId === account);

    // 1. someone adds a dollar to the cached balance
    await sql(database.url, "UPDATE credit_accounts SET balance_micros = balance_micros + 1000000 WHERE id = $1", [
      account,
    ]);
    expect(await mine()).toEqual([
      { accountId: account, userId: user, problem: "balance 1500000 but entries sum to 500000" },
    ]);

    const run = await cli();
    expect(run.code, explain(run)).toBe(1);
    expect(run.stderr).toContain(
      `MISMATCH account ${account} (user ${user}): balance 1500000 but entries sum to 500000`,
    );
    expect(run.stdout).toMatch(/1 mismatch/);
    await sql(database.url, "UPDATE credit_accounts SET balance_micros = balance_micros - 1000000 WHERE id = $1", [
      account,
    ]);
    expect(await mine()).toEqual([]);

    // 2. an entry's balance_after is edited
    const [, second] = await entriesOf(user);
    await sql(database.url, "UPDATE ledger_entries SET balance_after_micros = 999 WHERE id = $1", [second!.id]);
    expect(await mine()).toEqual([
      { accountId: account, userId: user, problem: `entry ${second!.id}: balance_after 999 but running sum is 500000` },
    ]);
    await sql(database.url, "UPDATE ledger_entries SET balance_after_micros = 500000 WHERE id = $1", [second!.id]);

    // 3. an entry's amount is edited (balance_after and the cached balance no longer follow)
    await sql(database.url, "UPDATE ledger_entries SET amount_micros = 250000 WHERE id = $1", [second!.id]);
    const problems = (await mine()).map((m) => m.problem);
    expect(problems).toContain(`entry ${second!.id}: balance_after 500000 but running sum is 550000`);
    expect(problems).toContain("balance 500000 but entries sum to 550000");
    await sql(database.url, "UPDATE ledger_entries SET amount_micros = 200000 WHERE id = $1", [second!.id]);

    // 4. the reserved cache drifts from the HELD reservations
    await sql(database.url, "UPDATE credit_accounts SET reserved_micros = 0 WHERE id = $1", [account]);
    expect(await mine()).toEqual([
      { accountId: account, userId: user, problem: "reserved 0 but HELD reservations sum to 10000" },
    ]);
    await sql(database.url, "UPDATE credit_accounts SET reserved_micros = 10000 WHERE id = $1", [account]);

    // 5. a held reservation vanishes while its credits stay reserved
    await sql(database.url, "UPDATE reservations SET status = 'SETTLED' WHERE id = 'tamper-hold'");
    expect(await mine()).toEqual([
      { accountId: account, userId: user, problem: "reserved 10000 but HELD reservations sum to 0" },
    ]);
    await sql(database.url, "UPDATE reservations SET status = 'HELD' WHERE id = 'tamper-hold'");

    await settle(db, user, "tamper-hold", 0, "release", usageFor(user, "tamper-hold"));
    expect((await verifyLedger(db)).mismatches).toEqual([]);
  });
});

describe("the ledger's traffic from many connections at once", () => {
  // What the gateway does per request, from a pool the size of the app's (createDb's default, 10):
  // hold and settle (transactions) and the usage row and settings read (single statements). On the
  // embedded database every statement of every client has to come out right through the socket
  // server's multiplexer, or a request's usage row (what usage reports add up) is lost.
  it("every statement of 3 × 64 concurrent hold/settle/usage sequences succeeds and usage matches the ledger", async () => {
    const user = await newUser();
    await grant(user, 1_000_000_000);
    const pool = createDb(database.url, 10);
    try {
      const failures: string[] = [];
      const ids: string[] = [];
      for (let round = 0; round < 3; round++) {
        const results = await Promise.allSettled(
          Array.from({ length: 64 }, async (_, i) => {
            const id = randomUUID();
            ids.push(id);
            await reserve(pool, user, id, 1_000);
            const { chargedMicros, settledAt } = await settle(pool, user, id, 500 + i, `request ${id}`);
            await writeUsage(pool, {
              id,
              userId: user,
              apiKeyId: null,
              providerId: null,
              modelId: null,
              providerSlug: "p",
              modelName: "m",
              powerLevel: "ECO",
              taskType: "chat",
              promptTokens: 1,
              completionTokens: 2,
              chargedMicros,
              providerCostMicros: chargedMicros,
              precisionCostMicros: null,
              latencyMs: 1,
              ttftMs: 1,
              status: "success",
              errorMessage: null,
              fallbackCount: 0,
              byok: false,
              stream: false,
              attempts: [],
              createdAt: settledAt,
            });
            await pool.userSettings.findUnique({ where: { userId: user } });
          }),
        );
        for (const r of results)
          if (r.status === "rejected")
            failures.push(
              String((r.reason as Error).message)
                .split("\n")
                .filter(Boolean)
                .pop()!,
            );
      }
      expect(failures).toEqual([]);
      const [usage] = await sql<{ n: string; charged: string }>(
        database.url,
        "SELECT count(*)::text AS n, sum(charged_micros)::text AS charged FROM usage_logs WHERE user_id = $1",
        [user],
      );
      const [ledger] = await sql<{ n: string; charged: string }>(
        database.url,
        "SELECT count(*)::text AS n, (-sum(e.amount_micros))::text AS charged FROM ledger_entries e JOIN credit_accounts a ON a.id = e.account_id WHERE a.user_id = $1 AND e.type = 'CHARGE'",
        [user],
      );
      expect(usage).toEqual({ n: String(ids.length), charged: ledger!.charged });
      expect(ledger!.n).toBe(String(ids.length));
      expect((await verifyLedger(db)).mismatches).toEqual([]);
    } finally {
      await pool.$disconnect();
    }
  });
});

describe("statements from many connections at once", () => {
  // The gateway reads (API key → user, balance, settings) outside transactions while other requests
  // hold and settle inside them. Every read must get its own rows: a read answered with another
  // connection's rows could, for an API-key lookup, act as the wrong user.
  it("each of 32 single statements gets its own result while 32 other connections run hold/settle transactions", async () => {
    const own = await createTestDatabase(); // its own database: a broken one must not spoil the others
    const pool = createDb(own.url, 10);
    const outcomes: string[] = [];
    try {
      const user = (await createUser(pool, { email: "reader@test.example", password: "reader-password" })).id;
      await postEntry(pool, { userId: user, type: "GRANT", amountMicros: 1_000_000_000, reference: "grant" });
      await Promise.all(
        Array.from({ length: 64 }, async (_, i) => {
          try {
            if (i % 2) {
              const id = randomUUID();
              await reserve(pool, user, id, 1_000);
              await settle(pool, user, id, 500, `request ${id}`);
              return;
            }
            for (let k = 0; k < 3; k++) {
              const tag = `reader-${i}-${k}`;
              const rows = await pool.$queryRaw<{ tag: string }[]>`SELECT ${tag}::text AS tag`;
              if (rows.length !== 1 || rows[0]!.tag !== tag)
                outcomes.push(`${tag} was answered with ${JSON.stringify(rows)}`);
            }
          } catch (err) {
            outcomes.push(
              `failed: ${String((err as Error).message)
                .split("\n")
                .filter(Boolean)
                .pop()}`,
            );
          }
        }),
      );
      expect(outcomes).toEqual([]);
    } finally {
      // A wedged embedded server may never answer again: do not let cleanup hang the file.
      const cleanup = (async () => {
        await pool.$disconnect();
        await own.drop();
      })().catch(() => {});
      await Promise.race([cleanup, new Promise((r) => setTimeout(r, 5_000))]);
    }
  });
});

// DATABASE_URL may point at any PostgreSQL; many are not set to UTC (initdb takes the host's zone).
// The ledger's columns are TIMESTAMP without time zone and Prisma reads them as UTC, so every
// time the database fills in (now(), column defaults) must be UTC too, or entries, usage rows and
// month boundaries move by the server's offset.
describe.runIf(dbKind() === "postgres")("a PostgreSQL server whose time zone is not UTC", () => {
  it("entry times (statement created_at) are the real time, not shifted by the server's offset", async () => {
    const other = await createTestDatabase();
    const name = new URL(other.url).pathname.slice(1);
    await sql(other.url, `ALTER DATABASE "${name}" SET timezone TO 'Asia/Tokyo'`);
    await other.db.$disconnect();
    const tokyo = createDb(other.url, 2); // new sessions pick the database's setting up
    try {
      // A plain session on this database runs in Tokyo time; the app's own sessions must not.
      expect((await sql<{ tz: string }>(other.url, "SELECT current_setting('TimeZone') AS tz"))[0]!.tz).toBe(
        "Asia/Tokyo",
      );
      const u = await createUser(tokyo, { email: "tokyo@test.example", password: "tokyo-password" });
      await postEntry(tokyo, { userId: u.id, type: "GRANT", amountMicros: 1_000_000, reference: "grant" });
      await reserve(tokyo, u.id, "tokyo-req", 10_000);
      const settled = await settle(tokyo, u.id, "tokyo-req", 5_000, "request tokyo-req");
      const now = Date.now();
      expect(
        Math.abs(settled.settledAt.getTime() - now),
        `settledAt ${settled.settledAt.toISOString()} vs now ${new Date(now).toISOString()}`,
      ).toBeLessThan(60_000);
      const { data } = await statement(tokyo, u.id, { limit: 10 });
      for (const row of data)
        expect(
          Math.abs(Date.parse(row.created_at) - now),
          `${row.type} created_at ${row.created_at} vs now ${new Date(now).toISOString()}`,
        ).toBeLessThan(60_000);
      expect(await monthSpend(tokyo, u.id)).toBe(5_000);
    } finally {
      await tokyo.$disconnect();
      await other.drop();
    }
  });
});
