// kill -9 of the app in the middle of a streamed request: the request's hold must not keep the
// caller's credits locked forever. After a restart, the sweeper (which the real app starts from
// instrumentation.ts) releases it once it passes its expiry.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { getBalance, verifyLedger } from "../../lib/ledger/ledger.ts";
import { createUser } from "../../lib/users/users.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { spawnAppProcess, type AppProcess } from "../helpers/app-process.ts";
import { sql } from "../setup/test-db.ts";

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

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: f.url,
  NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET!,
  SWITCHYARD_MASTER_KEY: process.env.SWITCHYARD_MASTER_KEY!,
  SWITCHYARD_HOLD_TTL_MS: String(HOLD_TTL_MS),
  ...extra,
});

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("kill -9 during a streamed request", () => {
  it("after a restart the request's hold is released: reservation EXPIRED, nothing reserved, available = balance, ledger clean", async () => {
    const user = await createUser(f.db, { email: `crash-${randomUUID().slice(0, 8)}@test.example`, password: "crash-password" });
    const key = (await createApiKey(f.db, user.id, { name: "crash" })).key;
    await f.grant(user.id, 5);
    const balance = 5_000_000;

    const first = await spawnAppProcess(env());
    children.push(first);
    const ctrl = new AbortController();
    const res = await fetch(`${first.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "balanced", stream: true, max_tokens: 1000, messages: [{ role: "user", content: "tell me a long story" }] }),
      signal: ctrl.signal,
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id")!;
    const reader = res.body!.getReader();
    const firstChunk = new TextDecoder().decode((await reader.read()).value);
    expect(firstChunk).toContain("chat.completion.chunk");

    // The request is in flight and holds its credits.
    const held = await sql<{ status: string; amount: string }>(f.url, "SELECT status::text, amount_micros::text AS amount FROM reservations WHERE id = $1", [requestId]);
    expect(held).toHaveLength(1);
    expect(held[0]!.status).toBe("HELD");
    const holdMicros = Number(held[0]!.amount);
    expect(holdMicros).toBeGreaterThanOrEqual(100_000); // 1000 tokens × 100 micro-USD
    expect(await getBalance(f.db, user.id)).toEqual({ balanceMicros: balance, reservedMicros: holdMicros, availableMicros: balance - holdMicros });

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
        const rows = await sql<{ status: string }>(f.url, "SELECT status::text FROM reservations WHERE id = $1", [requestId]);
        return rows[0]?.status === "EXPIRED" ? rows[0] : null;
      },
      HOLD_TTL_MS + 8_000,
    );
    expect(released.status).toBe("EXPIRED");
    expect(Date.now() - restartedAt).toBeLessThan(HOLD_TTL_MS + 8_000);
    expect(second.output()).toMatch(/released 1 expired hold/);

    // The killed request was never charged (its process died before settling); nothing stays locked.
    expect(await getBalance(f.db, user.id)).toEqual({ balanceMicros: balance, reservedMicros: 0, availableMicros: balance });
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);

    // The caller can spend all of it again, through the restarted process.
    const credits = await fetch(`${second.url}/api/credits`, { headers: { Authorization: `Bearer ${key}` } });
    expect(await credits.json()).toMatchObject({ balance_usd: 5, reserved_usd: 0, available_usd: 5 });
  });
});
