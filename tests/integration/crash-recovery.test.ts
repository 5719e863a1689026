// kill -9 of the app in the middle of a streamed request: the request's hold must not keep the
// caller's credits locked forever. After a restart, the sweeper (which the real app starts from
// instrumentation.ts) releases it once it passes its expiry.
// kill -9 after a reply's last byte but before its settle committed: the journal
// (lib/ledger/settlements.ts) lets the next sweep charge it — once, however often it is replayed.
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { replayJournals } from "../../lib/ledger/settlements.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { getBalance, verifyLedger } from "../../lib/ledger/ledger.ts";
import { createUser } from "../../lib/users/users.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { spawnAppProcess, type AppProcess } from "../helpers/app-process.ts";
import { sql } from "../setup/test-db.ts";
import { waitUntil } from "../helpers/wait.ts";

const HOLD_TTL_MS = 2_000;
let f: GatewayFixture;
const children: AppProcess[] = [];

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("slowpoke", { priority: 90 });
  await f.addModel("slowpoke", "mock-small", { level: "BALANCED", input: 1, output: 100, quality: 9 });
  // A long, slow reply: 400 pieces 50 ms apart (20 s) — the process dies long before it ends.
  f.mock.setBehavior({ tokens: Array.from({ length: 400 }, (_, i) => ` w${i}`), chunkDelayMs: 50 });
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.kill("SIGKILL")));
  await f?.close();
});

// LOG_LEVEL info: the sweeper's reports (JSON log lines) are what the tests wait for.
const env = (extra: Record<string, string> = {}) =>
  f.appEnv({ SWITCHYARD_HOLD_TTL_MS: String(HOLD_TTL_MS), LOG_LEVEL: "info", ...extra });

describe("kill -9 during a streamed request", () => {
  it("after a restart the request's hold is released: reservation EXPIRED, nothing reserved, available = balance, ledger clean", async () => {
    const user = await createUser(f.db, {
      email: `crash-${randomUUID().slice(0, 8)}@test.example`,
      password: "crash-password",
    });
    const key = (await createApiKey(f.db, user.id, { name: "crash" })).key;
    await f.grant(user.id, 5);
    const balance = 5_000_000;

    const first = await spawnAppProcess(env());
    children.push(first);
    const ctrl = new AbortController();
    const res = await fetch(`${first.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "balanced",
        stream: true,
        max_tokens: 1000,
        messages: [{ role: "user", content: "tell me a long story" }],
      }),
      signal: ctrl.signal,
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id")!;
    const reader = res.body!.getReader();
    const firstChunk = new TextDecoder().decode((await reader.read()).value);
    expect(firstChunk).toContain("chat.completion.chunk");

    // The request is in flight and holds its credits.
    const held = await sql<{ status: string; amount: string }>(
      f.url,
      "SELECT status::text, amount_micros::text AS amount FROM reservations WHERE id = $1",
      [requestId],
    );
    expect(held).toHaveLength(1);
    expect(held[0]!.status).toBe("HELD");
    const holdMicros = Number(held[0]!.amount);
    expect(holdMicros).toBeGreaterThanOrEqual(100_000); // 1000 tokens × 100 micro-USD
    expect(await getBalance(f.db, user.id)).toEqual({
      balanceMicros: balance,
      reservedMicros: holdMicros,
      availableMicros: balance - holdMicros,
    });

    await first.kill("SIGKILL");
    ctrl.abort();
    await reader.read().catch(() => {});
    // The upstream saw its client vanish.
    await f.mock.waitFor((r) => r.aborted, 5_000);

    // Nothing released it: the process that would have settled is gone.
    await new Promise((r) => setTimeout(r, 300));
    const stuck = await sql<{ status: string; reserved: string }>(
      f.url,
      "SELECT r.status::text, a.reserved_micros::text AS reserved FROM reservations r JOIN credit_accounts a ON a.id = r.account_id WHERE r.id = $1",
      [requestId],
    );
    expect(stuck[0]).toEqual({ status: "HELD", reserved: String(holdMicros) });
    expect((await getBalance(f.db, user.id)).availableMicros).toBe(balance - holdMicros);

    // Restart: a new process with the sweeper running (as instrumentation.ts starts it in the real app).
    const restartedAt = Date.now();
    const second = await spawnAppProcess(env({ SERVE_APP_SWEEPER: "1", SWITCHYARD_SWEEP_INTERVAL_MS: "500" }));
    children.push(second);

    const released = await waitUntil(
      "the hold to be released",
      async () => {
        const rows = await sql<{ status: string }>(f.url, "SELECT status::text FROM reservations WHERE id = $1", [
          requestId,
        ]);
        return rows[0]?.status === "EXPIRED" ? rows[0] : null;
      },
      HOLD_TTL_MS + 8_000,
    );
    expect(released.status).toBe("EXPIRED");
    expect(Date.now() - restartedAt).toBeLessThan(HOLD_TTL_MS + 8_000);
    // The row changes before the sweeper prints what it did: wait for the line, then check it.
    await waitUntil(
      "the sweeper's report",
      async () => /"released":\d+,"msg":"ledger: released expired holds"/.test(second.output()),
      5_000,
    );
    expect(second.output()).toMatch(/"released":1,"msg":"ledger: released expired holds"/);

    // The killed request was never charged (its process died before settling); nothing stays locked.
    expect(await getBalance(f.db, user.id)).toEqual({
      balanceMicros: balance,
      reservedMicros: 0,
      availableMicros: balance,
    });
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);

    // The caller can spend all of it again, through the restarted process.
    const credits = await fetch(`${second.url}/api/credits`, { headers: { Authorization: `Bearer ${key}` } });
    expect(await credits.json()).toMatchObject({ balance_usd: 5, reserved_usd: 0, available_usd: 5 });
  });
});

describe("kill -9 between a reply's last byte and its settle", () => {
  it("the journaled settle is replayed by the next sweep: charged once, usage row written once, even when replayed again", async () => {
    f.mock.setBehavior({ tokens: ["Short", " and", " done."], chunkDelayMs: 0 });
    const user = await createUser(f.db, {
      email: `window-${randomUUID().slice(0, 8)}@test.example`,
      password: "window-password",
    });
    const key = (await createApiKey(f.db, user.id, { name: "window" })).key;
    await f.grant(user.id, 5);
    const balance = 5_000_000;
    const journalDir = mkdtempSync(join(tmpdir(), "sy-journal-"));

    // Until the process dies, the database refuses this user's usage rows: the settle (one
    // statement with the usage row) cannot commit, which holds open the window between the
    // reply's last byte and the books. (A row lock would not do: a statement already sent runs on
    // after its client dies.)
    await sql(
      f.url,
      `CREATE OR REPLACE FUNCTION sy_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test: the database is away'; END $$`,
    );
    await sql(
      f.url,
      `CREATE TRIGGER sy_test_refuse BEFORE INSERT ON usage_logs FOR EACH ROW WHEN (NEW.user_id = '${user.id}') EXECUTE FUNCTION sy_test_refuse()`,
    );

    const first = await spawnAppProcess(env({ SWITCHYARD_JOURNAL_DIR: journalDir }));
    children.push(first);
    const res = await fetch(`${first.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "balanced",
        stream: true,
        max_tokens: 50,
        messages: [{ role: "user", content: "say something short" }],
      }),
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id")!;
    const text = await res.text();
    // The client has the whole reply, its cost included.
    expect(text).toContain("data: [DONE]");
    const final = text
      .split("\n")
      .filter((l) => l.startsWith("data: {"))
      .map((l) => JSON.parse(l.slice(6)))
      .find((j) => j.usage);
    const promisedMicros = Math.round(final.usage.cost * 1e6);
    expect(promisedMicros).toBeGreaterThan(0);
    // …the settle was journaled before that last byte left, and failed.
    const journal = join(journalDir, `${hostname()}-${first.pid}-1.jsonl`);
    expect(readFileSync(journal, "utf8")).toContain(requestId);
    await waitUntil("the settle to fail", async () => /"msg":"settle failed, will retry"/.test(first.output()), 5_000);

    await first.kill("SIGKILL");
    await sql(f.url, "DROP TRIGGER sy_test_refuse ON usage_logs");

    // Nothing was written: the reservation still holds, no charge, no usage row.
    const [before] = await sql<{ status: string; charges: string; usage: string }>(
      f.url,
      `SELECT (SELECT status::text FROM reservations WHERE id = $1) AS status,
              (SELECT count(*)::text FROM ledger_entries WHERE idempotency_key = $2) AS charges,
              (SELECT count(*)::text FROM usage_logs WHERE id = $1) AS usage`,
      [requestId, `charge:${requestId}`],
    );
    expect(before).toEqual({ status: "HELD", charges: "0", usage: "0" });
    const journalText = readFileSync(journal, "utf8");

    // The next process's sweep replays the dead process's journal.
    const second = await spawnAppProcess(
      env({ SWITCHYARD_JOURNAL_DIR: journalDir, SERVE_APP_SWEEPER: "1", SWITCHYARD_SWEEP_INTERVAL_MS: "300" }),
    );
    children.push(second);
    await waitUntil(
      "the journaled settle",
      async () => {
        const rows = await sql<{ status: string }>(f.url, "SELECT status::text FROM reservations WHERE id = $1", [
          requestId,
        ]);
        return rows[0]?.status === "SETTLED";
      },
      10_000,
    );
    await waitUntil("the dead journal to be removed", async () => !existsSync(journal), 5_000);
    await waitUntil(
      "the sweeper's report",
      async () =>
        /"files":\d+,"replayed":\d+,"msg":"ledger: settled requests journaled by stopped processes"/.test(
          second.output(),
        ),
      5_000,
    );
    expect(second.output()).toMatch(
      /"files":1,"replayed":1,"msg":"ledger: settled requests journaled by stopped processes"/,
    );

    const books = async () =>
      (
        await sql<{ charges: string; charged: string; usage: string; usage_charged: string }>(
          f.url,
          `SELECT (SELECT count(*)::text FROM ledger_entries WHERE idempotency_key = $2) AS charges,
                (SELECT (-sum(amount_micros))::text FROM ledger_entries WHERE idempotency_key = $2) AS charged,
                (SELECT count(*)::text FROM usage_logs WHERE id = $1) AS usage,
                (SELECT charged_micros::text FROM usage_logs WHERE id = $1) AS usage_charged`,
          [requestId, `charge:${requestId}`],
        )
      )[0];
    // Charged exactly what the reply said it cost, and the usage row agrees to the micro-dollar.
    expect(await books()).toEqual({
      charges: "1",
      charged: String(promisedMicros),
      usage: "1",
      usage_charged: String(promisedMicros),
    });
    expect(await getBalance(f.db, user.id)).toEqual({
      balanceMicros: balance - promisedMicros,
      reservedMicros: 0,
      availableMicros: balance - promisedMicros,
    });

    // Replayed again (say two processes found the same journal): nothing changes.
    writeFileSync(join(journalDir, `${hostname()}-999999-1.jsonl`), journalText);
    expect(await replayJournals(f.db, journalDir)).toEqual({ files: 1, replayed: 1 });
    expect(readdirSync(journalDir)).toEqual([]);
    expect(await books()).toEqual({
      charges: "1",
      charged: String(promisedMicros),
      usage: "1",
      usage_charged: String(promisedMicros),
    });
    expect((await getBalance(f.db, user.id)).balanceMicros).toBe(balance - promisedMicros);
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);
  });
});
