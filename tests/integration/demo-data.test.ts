// `npm run cli -- demo-data` (lib/finance/demo-data.ts) on both databases, at a small size: the
// dataset is consistent the way the app's own writes are — the ledger verifies, every charged
// request has its one CHARGE entry, no balance is ever negative, costs follow invoiceCost — and
// realistic enough to be worth looking at (every level, many providers, BYOK, errors, caches).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../lib/db/client.ts";
import { DemoDataExistsError, generateDemoData, type DemoDataResult } from "../../lib/finance/demo-data.ts";
import { rollupDrift } from "../../lib/finance/rollup.ts";
import { verifyCharges } from "../../lib/finance/verify-charges.ts";
import { verifyLedger } from "../../lib/ledger/ledger.ts";
import { invoiceCost } from "../../lib/router/cost.ts";
import { cleanEnv, runTsx, type RunResult } from "../helpers/run.ts";
import { createTestDatabase, sql, type TestDatabase } from "../setup/test-db.ts";

let database: TestDatabase;
let db: Db;
let first: DemoDataResult;
const NOW = new Date("2026-11-20T15:30:00.000Z");
const SIZE = { requests: 3000, users: 50, days: 30, seed: 7, now: NOW };

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  first = await generateDemoData(db, SIZE);
});
afterAll(() => database?.drop());

const q = <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  sql<R>(database.url, text, params);
const one = async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  (await q<R>(text, params))[0]!;
const explain = (r: RunResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

describe("demo data", () => {
  it("writes what it says: the users, the requests, and a ledger that verifies clean", async () => {
    expect(first).toMatchObject({ users: 50, apiKeys: 50, requests: 3000 });
    const counts = await one<{ users: number; usage: number; accounts: number; reserved: string }>(
      `SELECT (SELECT count(*) FROM users WHERE email LIKE 'demo-%@example.test' AND role = 'USER')::int AS users,
              (SELECT count(*) FROM usage_logs)::int AS usage,
              (SELECT count(*) FROM credit_accounts)::int AS accounts,
              (SELECT COALESCE(sum(reserved_micros), 0)::text FROM credit_accounts) AS reserved`,
    );
    expect(counts).toEqual({ users: 50, usage: 3000, accounts: 50, reserved: "0" });
    const emails = await q<{ email: string }>("SELECT email FROM users WHERE email LIKE 'demo-%' ORDER BY email");
    expect(new Set(emails.map((e) => e.email))).toEqual(
      new Set(Array.from({ length: 50 }, (_, i) => `demo-${i + 1}@example.test`)),
    );
    // One password hash for everyone, computed once.
    expect((await q("SELECT DISTINCT password_hash FROM users WHERE email LIKE 'demo-%'")).length).toBe(1);

    const ledger = await verifyLedger(db);
    expect(ledger.mismatches).toEqual([]);
    expect(ledger.receivables).toEqual([]);
    expect(ledger.entries).toBe(first.ledgerEntries);
    expect((await verifyCharges(db)).total).toBe(0);
    expect(await rollupDrift(db)).toEqual([]);
    // The rollups cover every whole day before today.
    const rolled = await one<{ until: string }>(
      "SELECT to_char(rolled_until, 'YYYY-MM-DD') AS until FROM rollup_state WHERE name = 'daily'",
    );
    expect(rolled.until).toBe(new Date(Date.now() - 150_000).toISOString().slice(0, 10));
  });

  it("charges every charged request exactly once, at its own amount and instant", async () => {
    const sums = await one<{ usage: string; ledger: string; charged: number; entries: number; matched: number }>(
      `SELECT (SELECT sum(charged_micros)::text FROM usage_logs) AS usage,
              (SELECT (-sum(amount_micros))::text FROM ledger_entries WHERE type = 'CHARGE') AS ledger,
              (SELECT count(*) FROM usage_logs WHERE charged_micros > 0)::int AS charged,
              (SELECT count(*) FROM ledger_entries WHERE type = 'CHARGE')::int AS entries,
              (SELECT count(*) FROM usage_logs u JOIN ledger_entries e ON e.idempotency_key = 'charge:' || u.id
                 JOIN credit_accounts a ON a.id = e.account_id
               WHERE e.type = 'CHARGE' AND e.amount_micros = -u.charged_micros AND e.created_at = u.created_at AND a.user_id = u.user_id
                 AND e.reference = 'request ' || u.id)::int AS matched`,
    );
    expect(sums.usage).toBe(sums.ledger);
    expect(sums.charged).toBe(first.chargedRequests);
    expect(sums.entries).toBe(sums.charged);
    expect(sums.matched).toBe(sums.charged);
    expect(Number(sums.usage)).toBe(first.chargedMicros);
    // Nothing free, BYOK or failed is charged; every other request is charged its provider cost.
    const off = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM usage_logs
       WHERE charged_micros <> provider_cost_micros OR (byok AND provider_cost_micros <> 0) OR (status = 'error' AND charged_micros <> 0)`,
    );
    expect(off.n).toBe(0);
  });

  it("never lets a balance go below zero, and funds spending with purchases dated before it", async () => {
    const r = await one<{ negative: number; min_first: string; accounts_off: number }>(
      `SELECT (SELECT count(*) FROM ledger_entries WHERE balance_after_micros < 0)::int AS negative,
              (SELECT min(balance_after_micros)::text FROM ledger_entries) AS min_first,
              (SELECT count(*) FROM credit_accounts a WHERE a.balance_micros <> COALESCE((SELECT sum(amount_micros) FROM ledger_entries e WHERE e.account_id = a.id), 0))::int AS accounts_off`,
    );
    expect(r.negative).toBe(0);
    expect(r.accounts_off).toBe(0);
    // Each account's first CHARGE comes after some credit (purchase or grant) was posted.
    const unfunded = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM credit_accounts a
       WHERE EXISTS (SELECT 1 FROM ledger_entries c WHERE c.account_id = a.id AND c.type = 'CHARGE'
                     AND NOT EXISTS (SELECT 1 FROM ledger_entries p WHERE p.account_id = a.id AND p.type IN ('PURCHASE', 'GRANT') AND p.id < c.id AND p.created_at <= c.created_at))`,
    );
    expect(unfunded.n).toBe(0);
    // Entry ids follow time within every account (the ledger's order is the order things happened).
    const disorder = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT created_at < lag(created_at) OVER (PARTITION BY account_id ORDER BY id) AS back FROM ledger_entries) x WHERE back`,
    );
    expect(disorder.n).toBe(0);
    // Users exist before anything of theirs happened; keys before their use.
    const early = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM users u WHERE u.email LIKE 'demo-%' AND (
         EXISTS (SELECT 1 FROM usage_logs l WHERE l.user_id = u.id AND l.created_at < u.created_at) OR
         EXISTS (SELECT 1 FROM ledger_entries e JOIN credit_accounts a ON a.id = e.account_id WHERE a.user_id = u.id AND e.created_at < u.created_at) OR
         EXISTS (SELECT 1 FROM usage_logs l JOIN api_keys k ON k.id = l.api_key_id WHERE l.created_at < k.created_at))`,
    );
    expect(early.n).toBe(0);
    // Everything is history: nothing after `now`, nothing before the window.
    const span = await one<{ first: string; last: string }>(
      `SELECT to_char(min(created_at), 'YYYY-MM-DD') AS first, to_char(max(created_at), 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS last FROM usage_logs`,
    );
    expect(span.first).toBe("2026-10-22");
    expect(span.last < "2026-11-20T15:30:00.000").toBe(true);
  });

  it("records purchases, refunds and grants the way the webhook and admins do", async () => {
    const purchases = await q<{
      reference: string;
      key: string;
      amount: string;
      evt_amount: string | null;
      evt_type: string | null;
      source: string | null;
      processed: boolean;
    }>(
      `SELECT e.reference, e.idempotency_key AS key, e.amount_micros::text AS amount, s.amount_micros::text AS evt_amount, s.type AS evt_type, s.source,
              s.processed_at = e.created_at AS processed
       FROM ledger_entries e LEFT JOIN stripe_events s ON s.object_id = substr(e.idempotency_key, 16) WHERE e.type = 'PURCHASE'`,
    );
    expect(purchases.length).toBe(first.purchases);
    expect(purchases.length).toBeGreaterThan(20);
    for (const p of purchases) {
      expect(p.key).toMatch(/^stripe-session:cs_demo_[0-9a-f]{24}$/);
      expect(p.reference).toBe(
        `Stripe checkout ${p.key.slice(15)} (payment ${p.reference.match(/\(payment (pi_demo_[0-9a-f]{24})\)$/)?.[1]})`,
      );
      expect(p).toMatchObject({
        evt_amount: p.amount,
        evt_type: "checkout.session.completed",
        source: "webhook",
        processed: true,
      });
      // Whole cents, within what the Credits page sells ($5 to $1000).
      expect(Number(p.amount) % 10_000).toBe(0);
      expect(Number(p.amount)).toBeGreaterThanOrEqual(5_000_000);
      expect(Number(p.amount)).toBeLessThanOrEqual(1_000_000_000);
    }
    const refunds = await q<{ reference: string; key: string; amount: string; evt_amount: string; cumulative: string }>(
      `SELECT e.reference, e.idempotency_key AS key, e.amount_micros::text AS amount, s.amount_micros::text AS evt_amount,
              (-sum(e.amount_micros) OVER (PARTITION BY e.reference ORDER BY e.id))::text AS cumulative
       FROM ledger_entries e JOIN stripe_events s ON s.object_id = substr(e.reference, 15) AND s.type = 'charge.refunded' AND s.processed_at = e.created_at
       WHERE e.type = 'REFUND' ORDER BY e.id`,
    );
    expect(refunds.length).toBe(first.refunds);
    for (const r of refunds) {
      expect(r.reference).toMatch(/^Stripe refund ch_demo_[0-9a-f]{24}$/);
      // The key names the cumulative refunded cents, as Stripe's amount_refunded does.
      expect(r.key).toBe(`stripe-refund:${r.reference.slice(14)}:${Number(r.cumulative) / 10_000}`);
      expect(r.evt_amount).toBe(r.cumulative);
    }
    const grants = await q<{ reference: string; amount: string }>(
      "SELECT reference, amount_micros::text AS amount FROM ledger_entries WHERE type = 'GRANT'",
    );
    expect(grants.length).toBe(first.grants);
    for (const g of grants) expect(g.reference).toMatch(/^grant by \S+: /);
    const events = await one<{ n: number }>("SELECT count(*)::int AS n FROM stripe_events");
    expect(events.n).toBe(first.stripeEvents);
    expect(first.stripeEvents).toBe(first.purchases + first.refunds);
  });

  it("looks like real traffic: every level, many providers, BYOK, errors, cancellations, caches", async () => {
    const levels = await q<{ level: string }>("SELECT DISTINCT power_level::text AS level FROM usage_logs ORDER BY 1");
    expect(levels.map((l) => l.level)).toEqual(["BALANCED", "ECO", "PRECISION"]);
    const providers = await one<{ used: number; enabled: number }>(
      `SELECT (SELECT count(DISTINCT provider_slug) FROM usage_logs)::int AS used,
              (SELECT count(DISTINCT p.slug) FROM providers p JOIN models m ON m.provider_id = p.id WHERE p.enabled AND m.enabled)::int AS enabled`,
    );
    expect(providers.used).toBeGreaterThanOrEqual(Math.min(8, providers.enabled));
    const kinds = await one<{
      byok: number;
      byok_cost: number;
      errors: number;
      error_cost: number;
      cancelled: number;
      cache_read: number;
      reasoning: number;
      tasks: number;
      streamed: number;
    }>(
      `SELECT count(*) FILTER (WHERE byok)::int AS byok,
              count(*) FILTER (WHERE byok AND (charged_micros <> 0 OR provider_cost_micros <> 0 OR input_cost_micros + cache_read_cost_micros + cache_write_cost_micros + output_cost_micros <> 0))::int AS byok_cost,
              count(*) FILTER (WHERE status = 'error')::int AS errors,
              count(*) FILTER (WHERE status = 'error' AND (charged_micros <> 0 OR provider_cost_micros <> 0))::int AS error_cost,
              count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
              count(*) FILTER (WHERE cache_read_tokens > 0)::int AS cache_read,
              count(*) FILTER (WHERE reasoning_tokens > 0)::int AS reasoning,
              count(DISTINCT task_type)::int AS tasks,
              count(*) FILTER (WHERE stream)::int AS streamed
       FROM usage_logs`,
    );
    expect(kinds.byok).toBeGreaterThan(0);
    expect(kinds.byok_cost).toBe(0);
    expect(kinds.errors).toBeGreaterThan(0);
    expect(kinds.error_cost).toBe(0);
    expect(kinds.cancelled).toBeGreaterThan(0);
    expect(kinds.cache_read).toBeGreaterThan(0);
    expect(kinds.tasks).toBe(6);
    expect(kinds.streamed).toBeGreaterThan(0);
    // Heavy-tailed: the busiest tenth of the users makes far more than a tenth of the requests.
    const top = await one<{ share: number }>(
      `SELECT (sum(n) FILTER (WHERE rank <= 5)::float8 / sum(n)) AS share
       FROM (SELECT count(*) AS n, row_number() OVER (ORDER BY count(*) DESC) AS rank FROM usage_logs GROUP BY user_id) x`,
    );
    expect(top.share).toBeGreaterThan(0.3);
    // Token classes are parts of their totals.
    const bad = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM usage_logs WHERE cache_read_tokens + cache_write_tokens > prompt_tokens OR reasoning_tokens > completion_tokens
         OR prompt_tokens < 0 OR completion_tokens < 0`,
    );
    expect(bad.n).toBe(0);
  });

  it("prices every request with invoiceCost at its model's prices, the class parts summing to the total", async () => {
    const rows = await q<{
      id: string;
      byok: boolean;
      prompt: number;
      completion: number;
      cr: number;
      cw: number;
      in_p: string;
      out_p: string;
      cr_p: string | null;
      cw_p: string | null;
      cost: string;
      input: string;
      cache_read: string;
      cache_write: string;
      output: string;
    }>(
      `SELECT u.id, u.byok, u.prompt_tokens AS prompt, u.completion_tokens AS completion, u.cache_read_tokens AS cr, u.cache_write_tokens AS cw,
              m.input_price_per_1m_micros::text AS in_p, m.output_price_per_1m_micros::text AS out_p,
              m.cache_read_price_per_1m_micros::text AS cr_p, m.cache_write_price_per_1m_micros::text AS cw_p,
              u.provider_cost_micros::text AS cost, u.input_cost_micros::text AS input, u.cache_read_cost_micros::text AS cache_read,
              u.cache_write_cost_micros::text AS cache_write, u.output_cost_micros::text AS output
       FROM usage_logs u JOIN providers p ON p.slug = u.provider_slug JOIN models m ON m.provider_id = p.id AND m.name = u.model_name`,
    );
    expect(rows.length).toBe(3000);
    let wrong = 0;
    for (const r of rows) {
      const want = r.byok
        ? { total: 0, input: 0, cacheRead: 0, cacheWrite: 0, output: 0 }
        : invoiceCost(
            { uncachedInput: r.prompt - r.cr - r.cw, cacheRead: r.cr, cacheWrite: r.cw, output: r.completion },
            {
              input: Number(r.in_p),
              output: Number(r.out_p),
              cacheRead: r.cr_p === null ? null : Number(r.cr_p),
              cacheWrite: r.cw_p === null ? null : Number(r.cw_p),
            },
          );
      const got = {
        total: Number(r.cost),
        input: Number(r.input),
        cacheRead: Number(r.cache_read),
        cacheWrite: Number(r.cache_write),
        output: Number(r.output),
      };
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        wrong++;
        if (wrong <= 3) expect({ id: r.id, ...got }).toEqual({ id: r.id, ...want });
      }
    }
    expect(wrong).toBe(0);
    const sums = await one<{ n: number }>(
      "SELECT count(*)::int AS n FROM usage_logs WHERE input_cost_micros + cache_read_cost_micros + cache_write_cost_micros + output_cost_micros <> provider_cost_micros",
    );
    expect(sums.n).toBe(0);
  });

  it("refuses to run again over demo data; --reset replaces it with the same data for the same seed and instant", async () => {
    const before = await one<{ usage: string; ledger: string; ids: string }>(
      `SELECT (SELECT sum(charged_micros)::text FROM usage_logs) AS usage, (SELECT sum(amount_micros)::text FROM ledger_entries) AS ledger,
              (SELECT md5(string_agg(id || ':' || charged_micros || ':' || created_at, ',' ORDER BY id)) FROM usage_logs) AS ids`,
    );
    await expect(generateDemoData(db, SIZE)).rejects.toBeInstanceOf(DemoDataExistsError);
    const again = await generateDemoData(db, { ...SIZE, reset: true });
    expect(again.deleted).toMatchObject({
      users: 50,
      usageRows: 3000,
      ledgerEntries: first.ledgerEntries,
      stripeEvents: first.stripeEvents,
    });
    expect({ ...again, seconds: 0, deleted: null }).toEqual({ ...first, seconds: 0, deleted: null });
    const after = await one<{ usage: string; ledger: string; ids: string }>(
      `SELECT (SELECT sum(charged_micros)::text FROM usage_logs) AS usage, (SELECT sum(amount_micros)::text FROM ledger_entries) AS ledger,
              (SELECT md5(string_agg(id || ':' || charged_micros || ':' || created_at, ',' ORDER BY id)) FROM usage_logs) AS ids`,
    );
    expect(after).toEqual(before);
    expect((await verifyLedger(db)).mismatches).toEqual([]);
  });

  it("runs from the CLI (demo-data --reset, then ledger verify), and demo-data --delete removes it all", async () => {
    const env = cleanEnv({ DATABASE_URL: database.url });
    const gen = await runTsx(
      "scripts/cli.ts",
      ["demo-data", "--requests", "400", "--users", "12", "--days", "7", "--seed", "3", "--reset"],
      env,
    );
    expect(gen.code, explain(gen)).toBe(0);
    expect(gen.stdout).toMatch(/demo data: 12 users, 400 requests/);
    const refused = await runTsx("scripts/cli.ts", ["demo-data", "--requests", "400", "--users", "12"], env);
    expect(refused.code, explain(refused)).toBe(2);
    expect(refused.stderr).toMatch(/already exist: run with --reset/);
    const verify = await runTsx("scripts/cli.ts", ["ledger", "verify"], env);
    expect(verify.code, explain(verify)).toBe(0);
    expect(verify.stdout).toMatch(/all balances match their entries/);
    const del = await runTsx("scripts/cli.ts", ["demo-data", "--delete"], env);
    expect(del.code, explain(del)).toBe(0);
    expect(del.stdout).toMatch(/deleted 12 demo users, 400 requests/);
    const left = await one<{ users: number; usage: number; ledger: number; events: number }>(
      `SELECT (SELECT count(*) FROM users WHERE email LIKE 'demo-%')::int AS users, (SELECT count(*) FROM usage_logs)::int AS usage,
              (SELECT count(*) FROM ledger_entries)::int AS ledger, (SELECT count(*) FROM stripe_events)::int AS events`,
    );
    expect(left).toEqual({ users: 0, usage: 0, ledger: 0, events: 0 });
  });
});
