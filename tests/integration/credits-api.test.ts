// The account's money API as users, admins and finance see it: balances, the statement (JSON and
// CSV), admin grants and corrections, budgets, usage reports that add up to the ledger, and the
// max_tokens cap when credits run short.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance, postEntry, reserve, settle, verifyLedger } from "../../lib/ledger/ledger.ts";
import { startGatewayFixture, type FixtureCaller, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";

let f: GatewayFixture;

beforeAll(async () => {
  f = await startGatewayFixture();
  // Prices in USD per 1M tokens (= micro-USD per token). None is free.
  await f.addProvider("main", { priority: 90 });
  await f.addModel("main", "mock-small", { level: "BALANCED", input: 1.5, output: 3.7, quality: 9 });
  await f.addProvider("eco", { priority: 80 });
  await f.addModel("eco", "mock-eco", { level: "ECO", input: 0.5, output: 1, quality: 7 });
  await f.addProvider("dear", { priority: 70 });
  await f.addModel("dear", "mock-dear", { level: "PRECISION", input: 0, output: 1000, quality: 9.5 });
});
afterAll(() => f?.close());

type Caller = FixtureCaller;
type Res = Awaited<ReturnType<Caller["call"]>>;

const newCaller = (label: string, grantMicros = 0): Promise<Caller> => f.newCaller(label, grantMicros);

const chat = (c: Caller, body: Record<string, unknown>) =>
  c.call("/api/v1/chat/completions", {
    body: { messages: [{ role: "user", content: "say something short" }], ...body },
  });

async function ledgerRows(userId: string) {
  return sql<{
    id: string;
    type: string;
    amount: string;
    after: string;
    reference: string;
    created_at: Date;
    actor: string | null;
  }>(
    f.url,
    `SELECT e.id::text, e.type::text, e.amount_micros::text AS amount, e.balance_after_micros::text AS after, e.reference, e.created_at, e.actor_user_id AS actor
     FROM ledger_entries e JOIN credit_accounts a ON a.id = e.account_id WHERE a.user_id = $1 ORDER BY e.id`,
    [userId],
  );
}

async function chargeOf(userId: string, micros: number) {
  const id = `spend-${randomUUID()}`;
  await reserve(f.db, userId, id, micros);
  await settle(f.db, userId, id, micros, `request ${id}`);
}

/** RFC 4180 parser (quotes, doubled quotes, commas and newlines inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

describe("GET /api/credits", () => {
  it("a new account is all zeros with no budget", async () => {
    const c = await newCaller("fresh");
    const res = await c.call("/api/credits");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      balance_usd: 0,
      reserved_usd: 0,
      available_usd: 0,
      monthly_budget_usd: null,
      month_spend_usd: 0,
    });
  });

  it("shows balance, reserved, available, budget and this month's spend to the micro-dollar", async () => {
    const c = await newCaller("summary", 10_000_000);
    await chargeOf(c.id, 1_234_567);
    await reserve(f.db, c.id, `open-hold-${c.id}`, 2_500_000);
    expect((await c.call("/api/settings", { method: "PUT", body: { monthly_budget_usd: 50 } })).status).toBe(200);
    const res = await c.call("/api/credits");
    expect(res.json).toEqual({
      balance_usd: 8.765433,
      reserved_usd: 2.5,
      available_usd: 6.265433,
      monthly_budget_usd: 50,
      month_spend_usd: 1.234567,
    });
    // A grant is not spend; a released hold is not spend.
    await postEntry(f.db, { userId: c.id, type: "GRANT", amountMicros: 1, reference: "one micro" });
    await settle(f.db, c.id, `open-hold-${c.id}`, 0, "released");
    expect((await c.call("/api/credits")).json).toEqual({
      balance_usd: 8.765434,
      reserved_usd: 0,
      available_usd: 8.765434,
      monthly_budget_usd: 50,
      month_spend_usd: 1.234567,
    });
  });
});

describe("GET /api/credits/ledger", () => {
  it("is newest first with a running balance, and cursor pages walk every entry once", async () => {
    const c = await newCaller("pages");
    for (let i = 1; i <= 21; i++)
      await postEntry(f.db, { userId: c.id, type: "GRANT", amountMicros: i * 1_000 + i, reference: `grant ${i}` });
    await postEntry(f.db, { userId: c.id, type: "CORRECTION", amountMicros: -7_777, reference: "correction" });
    await chargeOf(c.id, 4_321);
    const all = await ledgerRows(c.id);
    expect(all).toHaveLength(23);

    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Res = await c.call(`/api/credits/ledger?limit=5${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.json.data.length).toBeLessThanOrEqual(5);
      seen.push(...res.json.data);
      cursor = res.json.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(5);
    // No duplicates, no gaps, newest first.
    expect(seen.map((r) => r.id)).toEqual(all.map((r) => r.id).reverse());
    expect(seen[0]).toMatchObject({
      type: "CHARGE",
      amount_usd: -0.004321,
      reference: expect.stringMatching(/^request spend-/),
    });
    for (const [i, row] of seen.entries()) {
      const db = all.find((r) => r.id === row.id)!;
      expect(row).toEqual({
        id: db.id,
        type: db.type,
        amount_usd: Number(db.amount) / 1e6,
        balance_after_usd: Number(db.after) / 1e6,
        reference: db.reference,
        created_at: db.created_at.toISOString(),
      });
      const older = seen[i + 1];
      const before = older ? Math.round(older.balance_after_usd * 1e6) : 0;
      expect(Math.round(row.balance_after_usd * 1e6)).toBe(before + Math.round(row.amount_usd * 1e6));
    }
    const sum = all.reduce((s, r) => s + Number(r.amount), 0);
    expect(Math.round(seen[0].balance_after_usd * 1e6)).toBe(sum);
    expect((await getBalance(f.db, c.id)).balanceMicros).toBe(sum);

    // Default page size is 50; bad paging parameters are 400s naming the parameter.
    expect((await c.call("/api/credits/ledger")).json).toMatchObject({ next_cursor: null, data: expect.any(Array) });
    expect((await c.call("/api/credits/ledger")).json.data).toHaveLength(23);
    for (const q of ["limit=0", "limit=501", "limit=abc"])
      expect((await c.call(`/api/credits/ledger?${q}`)).json.error.param, q).toBe("limit");
    expect((await c.call("/api/credits/ledger?cursor=abc")).json.error.param).toBe("cursor");
  });

  it("entries added while paging never shift a page", async () => {
    const c = await newCaller("stable");
    for (let i = 1; i <= 6; i++)
      await postEntry(f.db, { userId: c.id, type: "GRANT", amountMicros: i, reference: `g${i}` });
    const first = await c.call("/api/credits/ledger?limit=3");
    await postEntry(f.db, { userId: c.id, type: "GRANT", amountMicros: 100, reference: "new" });
    const second = await c.call(`/api/credits/ledger?limit=3&cursor=${first.json.next_cursor}`);
    expect([...first.json.data, ...second.json.data].map((r: { reference: string }) => r.reference)).toEqual([
      "g6",
      "g5",
      "g4",
      "g3",
      "g2",
      "g1",
    ]);
  });
});

describe("GET /api/credits/statement.csv", () => {
  it("has a header and one row per entry, oldest first, with exact amounts (across export pages)", async () => {
    const c = await newCaller("csv");
    await postEntry(f.db, { userId: c.id, type: "GRANT", amountMicros: 1_500_000, reference: "welcome" });
    await postEntry(f.db, {
      userId: c.id,
      type: "CORRECTION",
      amountMicros: -250_000,
      reference: 'correction by ops: "double" grant, fixed',
    });
    await postEntry(f.db, { userId: c.id, type: "GRANT", amountMicros: 1, reference: '=HYPERLINK("http://evil")' });
    await chargeOf(c.id, 123_457);
    // More entries than one export page (500), written as the ledger would (running balances).
    await sql(
      f.url,
      `INSERT INTO ledger_entries (account_id, type, amount_micros, balance_after_micros, reference)
       SELECT a.id, 'GRANT', 1000, a.balance_micros + g * 1000, 'bulk ' || g FROM credit_accounts a, generate_series(1, 520) g WHERE a.user_id = $1 ORDER BY g`,
      [c.id],
    );
    await sql(f.url, "UPDATE credit_accounts SET balance_micros = balance_micros + 520000 WHERE user_id = $1", [c.id]);
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);

    const res = await c.call("/api/credits/statement.csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="switchyard-statement.csv"/);
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual(["id", "created_at", "type", "amount_usd", "balance_after_usd", "reference"]);
    const db = await ledgerRows(c.id);
    expect(rows).toHaveLength(db.length);
    expect(rows).toHaveLength(524);
    expect(rows.map((r) => r[0])).toEqual(db.map((r) => r.id)); // oldest first, every entry once
    expect(rows.slice(0, 4).map((r) => r.slice(2))).toEqual([
      ["GRANT", "1.5", "1.5", "welcome"],
      ["CORRECTION", "-0.25", "1.25", 'correction by ops: "double" grant, fixed'],
      ["GRANT", "0.000001", "1.250001", '\'=HYPERLINK("http://evil")'],
      ["CHARGE", "-0.123457", "1.126544", expect.stringMatching(/^request spend-/)],
    ]);
    expect(rows.at(-1)!.slice(2)).toEqual(["GRANT", "0.001", "1.646544", "bulk 520"]);
    for (const [i, r] of rows.entries()) {
      expect(Math.round(Number(r[3]) * 1e6), `row ${i}`).toBe(Number(db[i]!.amount));
      expect(Math.round(Number(r[4]) * 1e6), `row ${i}`).toBe(Number(db[i]!.after));
      expect(r[1]).toBe(db[i]!.created_at.toISOString());
    }
  });
});

describe("admin grants and corrections", () => {
  it("POST /api/admin/users/:id/credits: reason required, negative is a CORRECTION, never below zero, admins only, unknown user 404", async () => {
    const c = await newCaller("granted");
    const path = `/api/admin/users/${c.id}/credits`;
    const noReason = await f.asAdmin(path, { body: { amount_usd: 5 } });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.param).toBe("reason");
    expect((await f.asAdmin(path, { body: { amount_usd: 5, reason: "  " } })).json.error.param).toBe("reason");
    expect((await f.asAdmin(path, { body: { amount_usd: 0, reason: "nothing" } })).json.error.param).toBe("amount_usd");

    const granted = await f.asAdmin(path, { body: { amount_usd: 5.000001, reason: "welcome bonus" } });
    expect(granted.status).toBe(201);
    expect(granted.json).toMatchObject({ type: "GRANT", amount_usd: 5.000001, balance_after_usd: 5.000001 });
    const corrected = await f.asAdmin(path, { body: { amount_usd: -2.3, reason: "double grant by mistake" } });
    expect(corrected.status).toBe(201);
    expect(corrected.json).toMatchObject({ type: "CORRECTION", amount_usd: -2.3, balance_after_usd: 2.700001 });

    const rows = await ledgerRows(c.id);
    expect(rows.map((r) => [r.type, r.amount, r.after, r.reference, r.actor])).toEqual([
      ["GRANT", "5000001", "5000001", "grant by admin@fixture.test: welcome bonus", f.admin.id],
      ["CORRECTION", "-2300000", "2700001", "correction by admin@fixture.test: double grant by mistake", f.admin.id],
    ]);

    const tooMuch = await f.asAdmin(path, { body: { amount_usd: -2.700002, reason: "take it all and more" } });
    expect(tooMuch.status).toBe(409);
    const forbidden = await f.asUser(path, { body: { amount_usd: 100, reason: "I deserve it" } });
    expect(forbidden.status).toBe(403);
    const own = await c.call(path, { body: { amount_usd: 100, reason: "me too" } });
    expect(own.status).toBe(403);
    expect(await ledgerRows(c.id)).toHaveLength(2);
    expect((await getBalance(f.db, c.id)).balanceMicros).toBe(2_700_001);

    const unknown = await f.asAdmin(`/api/admin/users/${randomUUID()}/credits`, {
      body: { amount_usd: 5, reason: "ghost" },
    });
    expect(unknown.status).toBe(404);
    expect((await f.asAdmin(path, { body: { amount_usd: -2.700001, reason: "exactly to zero" } })).status).toBe(201);
    expect((await c.call("/api/credits")).json).toMatchObject({ balance_usd: 0 });
  });
});

describe("each user sees only their own money", () => {
  it("ledger, statement and summary of two users never mix, whatever the query says", async () => {
    const a = await newCaller("alice", 7_000_000);
    const b = await newCaller("bob", 3_000_000);
    await chargeOf(a.id, 1_000);
    const aIds = (await ledgerRows(a.id)).map((r) => r.id);
    const bIds = (await ledgerRows(b.id)).map((r) => r.id);

    const bLedger = await b.call(`/api/credits/ledger?user_id=${a.id}&account_id=${a.id}`);
    expect(bLedger.status).toBe(200);
    expect(bLedger.json.data.map((r: { id: string }) => r.id)).toEqual(bIds);
    expect((await a.call("/api/credits/ledger")).json.data.map((r: { id: string }) => r.id)).toEqual(
      [...aIds].reverse(),
    );
    // A's newest id as B's cursor: B just gets B's older entries (none newer than that id leak).
    const paged = await b.call(`/api/credits/ledger?cursor=${aIds.at(-1)}`);
    expect(paged.json.data.every((r: { id: string }) => bIds.includes(r.id))).toBe(true);

    const csv = parseCsv((await b.call(`/api/credits/statement.csv?user_id=${a.id}`)).text);
    expect(csv.slice(1).map((r) => r[0])).toEqual(bIds);
    expect((await b.call(`/api/credits?user_id=${a.id}`)).json).toMatchObject({ balance_usd: 3, month_spend_usd: 0 });
    expect((await a.call("/api/credits")).json).toMatchObject({ balance_usd: 6.999, month_spend_usd: 0.001 });
  });
});

describe("usage reports add up to the ledger", () => {
  it("GET /api/usage totals and every series (day/provider/model/power_level) equal the ledger's CHARGE sums to the micro-dollar", async () => {
    const c = await newCaller("usage", 5_000_000);
    const costs: number[] = [];
    const ids: string[] = [];
    const served = async (body: Record<string, unknown>) => {
      const res = await chat(c, body);
      expect(res.status, res.text).toBe(200);
      ids.push(res.headers.get("x-request-id")!);
      // What the caller was told it cost: X-Cost-Incurred, or a stream's final usage chunk.
      const usage = body.stream
        ? JSON.parse(
            res.text
              .split("\n")
              .filter((l) => l.startsWith("data: {") && l.includes('"usage"'))
              .at(-1)!
              .slice(6),
          ).usage
        : res.json.usage;
      if (!body.stream) expect(Number(res.headers.get("x-cost-incurred"))).toBe(usage.cost);
      costs.push(Math.round(usage.cost * 1e6));
      return res;
    };
    await served({ model: "balanced" });
    await served({
      model: "balanced",
      messages: [{ role: "user", content: "a longer prompt with quite a few more words in it to count" }],
    });
    const streamed = await served({ model: "balanced", stream: true });
    expect(streamed.text).toContain("data: [DONE]");
    await served({ model: "eco/mock-eco" });
    await served({ model: "dear/mock-dear", max_tokens: 20 });
    await served({ model: "eco", max_tokens: 3 });
    // A request the upstream refuses: logged, charged nothing.
    f.mock.setBehavior({ status: 400, errorMessage: "bad request" }, { model: "mock-small", once: true });
    const refused = await chat(c, { model: "main/mock-small" });
    expect(refused.status).toBe(400);
    ids.push(refused.headers.get("x-request-id") ?? "");

    const ledger = await sql<{ provider: string; model: string; level: string; day: string; charged: string }>(
      f.url,
      `SELECT u.provider_slug AS provider, u.model_name AS model, u.power_level::text AS level, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, (-e.amount_micros)::text AS charged
       FROM ledger_entries e JOIN credit_accounts a ON a.id = e.account_id LEFT JOIN usage_logs u ON e.idempotency_key = 'charge:' || u.id
       WHERE a.user_id = $1 AND e.type = 'CHARGE'`,
      [c.id],
    );
    expect(ledger).toHaveLength(6);
    expect(ledger.every((l) => l.provider !== null)).toBe(true);
    const total = ledger.reduce((s, l) => s + Number(l.charged), 0);
    expect(total).toBeGreaterThan(0);
    // What each caller was told it cost adds up to what the ledger charged.
    expect(costs.reduce((s, x) => s + x, 0)).toBe(total);
    expect((await getBalance(f.db, c.id)).balanceMicros).toBe(5_000_000 - total);

    const sumBy = (key: (l: (typeof ledger)[number]) => string) => {
      const m = new Map<string, number>();
      for (const l of ledger) m.set(key(l), (m.get(key(l)) ?? 0) + Number(l.charged));
      return m;
    };
    const expected = {
      day: sumBy((l) => l.day),
      provider: sumBy((l) => l.provider),
      model: sumBy((l) => l.model),
      power_level: sumBy((l) => l.level),
    };
    for (const group of ["day", "provider", "model", "power_level"] as const) {
      const res = await c.call(`/api/usage?group_by=${group}`);
      expect(res.status).toBe(200);
      expect(res.json.totals).toMatchObject({ requests: 7, errors: 1, spend_micros: total, spend_usd: total / 1e6 });
      const charged = new Map<string, number>();
      for (const s of res.json.series as { key: string; spend_micros: number; spend_usd: number }[]) {
        expect(s.spend_usd).toBe(s.spend_micros / 1e6);
        if (s.spend_micros) charged.set(s.key, s.spend_micros);
      }
      expect(charged, group).toEqual(expected[group]);
      expect((res.json.series as { spend_micros: number }[]).reduce((s, x) => s + x.spend_micros, 0)).toBe(total);
    }
    expect([...expected.provider.keys()].sort()).toEqual(["dear", "eco", "main"]);
    expect([...expected.power_level.keys()].sort()).toEqual(["BALANCED", "ECO", "PRECISION"]);

    // A range that excludes today has nothing in it.
    const old = await c.call("/api/usage?from=2020-01-01&to=2020-01-31");
    expect(old.json.totals).toMatchObject({ requests: 0, spend_micros: 0 });
    expect((await c.call("/api/usage?group_by=week")).json.error.param).toBe("group_by");
  });

  it("GET /api/usage/requests/:id returns the caller's own row and 404 for anyone else's", async () => {
    const c = await newCaller("one-request", 1_000_000);
    const other = await newCaller("snoop", 1_000_000);
    const res = await chat(c, { model: "balanced" });
    expect(res.status).toBe(200);
    const id = res.headers.get("x-request-id")!;
    const mine = await c.call(`/api/usage/requests/${id}`);
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({
      id,
      status: "success",
      provider: "main",
      power_level: "BALANCED",
      prompt_tokens: res.json.usage.prompt_tokens,
      completion_tokens: res.json.usage.completion_tokens,
      cost_usd: Number(res.headers.get("x-cost-incurred")),
      byok: false,
    });
    expect(mine.json.cost_usd).toBe(res.json.usage.cost);
    const [charge] = await sql<{ amount: string }>(
      f.url,
      "SELECT amount_micros::text AS amount FROM ledger_entries WHERE idempotency_key = $1",
      [`charge:${id}`],
    );
    expect(Math.round(mine.json.cost_usd * 1e6)).toBe(-Number(charge!.amount));

    expect((await other.call(`/api/usage/requests/${id}`)).status).toBe(404);
    expect((await f.asAdmin(`/api/usage/requests/${id}`)).status).toBe(404);
    expect((await c.call(`/api/usage/requests/${randomUUID()}`)).status).toBe(404);
  });
});

describe("max_tokens capped by credits", () => {
  // mock-dear: output $1000 per 1M tokens = 1000 micro-USD per token, input free.
  it("with credits for ~50 output tokens, max_tokens 1000 is served capped to 50 (header set, upstream got 50)", async () => {
    const c = await newCaller("capped", 50_000);
    f.mock.clearRequests();
    const res = await chat(c, { model: "dear/mock-dear", max_tokens: 1000 });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("x-max-tokens-capped")).toBe("50");
    expect(res.headers.get("x-routing-reason")).toMatch(/max_tokens capped to 50 by available credits/);
    expect(f.mock.requests.at(-1)!.body.max_tokens).toBe(50);
    // Charged for what was produced (6 pieces), never more than the credits.
    expect(res.json.usage).toMatchObject({ completion_tokens: 6, cost: 0.006 });
    expect(await getBalance(f.db, c.id)).toEqual({ balanceMicros: 44_000, reservedMicros: 0, availableMicros: 44_000 });

    // Streamed the same way.
    const streamed = await chat(c, { model: "dear/mock-dear", max_tokens: 1000, stream: true });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get("x-max-tokens-capped")).toBe("44");
    expect(f.mock.requests.at(-1)!.body.max_tokens).toBe(44);
    expect(streamed.text).toContain("data: [DONE]");

    // Enough credits: no cap, no header.
    const rich = await newCaller("rich", 5_000_000);
    const full = await chat(rich, { model: "dear/mock-dear", max_tokens: 1000 });
    expect(full.status).toBe(200);
    expect(full.headers.get("x-max-tokens-capped")).toBeNull();
    expect(f.mock.requests.at(-1)!.body.max_tokens).toBe(1000);
  });

  it("with credits for less than a minimal reply (16 tokens) → 402 insufficient_credits, nothing held, upstream not called", async () => {
    const c = await newCaller("broke", 15_999);
    f.mock.clearRequests();
    const res = await chat(c, { model: "dear/mock-dear", max_tokens: 1000 });
    expect(res.status).toBe(402);
    expect(res.json.error).toMatchObject({ code: "insufficient_credits", type: "insufficient_quota" });
    expect(f.mock.requests).toHaveLength(0);
    expect(await getBalance(f.db, c.id)).toEqual({ balanceMicros: 15_999, reservedMicros: 0, availableMicros: 15_999 });
  });
});

describe("monthly budget", () => {
  it("≥80% spent steps down to ECO; 100% serves only free/BYOK models, else 402 budget_exhausted", async () => {
    const c = await newCaller("budget", 20_000_000);
    expect((await c.call("/api/settings", { method: "PUT", body: { monthly_budget_usd: 1 } })).json).toMatchObject({
      monthly_budget_usd: 1,
    });

    await chargeOf(c.id, 700_000); // 70%
    const normal = await chat(c, { model: "balanced" });
    expect(normal.status).toBe(200);
    expect(normal.headers.get("x-power-level")).toBe("BALANCED");
    expect(normal.headers.get("x-model-used")).toBe("main/mock-small");

    await chargeOf(c.id, 100_000); // 80% and a bit (the request above cost a few micro-dollars)
    const eco = await chat(c, { model: "balanced" });
    expect(eco.status).toBe(200);
    expect(eco.headers.get("x-power-level")).toBe("ECO");
    expect(eco.headers.get("x-model-used")).toBe("eco/mock-eco");
    expect(eco.headers.get("x-routing-reason")).toMatch(/monthly budget 80% spent: stepped down to ECO/);

    const credits = (await c.call("/api/credits")).json;
    await chargeOf(c.id, 1_000_000 - Math.round(credits.month_spend_usd * 1e6)); // exactly 100%
    expect((await c.call("/api/credits")).json).toMatchObject({ monthly_budget_usd: 1, month_spend_usd: 1 });
    for (const model of ["balanced", "eco", "main/mock-small"]) {
      const refused = await chat(c, { model });
      expect(refused.status, model).toBe(402);
      expect(refused.json.error.code, model).toBe("budget_exhausted");
    }
    const before = (await getBalance(f.db, c.id)).balanceMicros;

    // A free model still serves (at no charge)...
    await f.addProvider("freebie", { priority: 10 });
    const free = await f.addModel("freebie", "mock-free", { level: "ECO", input: 0, output: 0, quality: 6 });
    // ...and so does the caller's own key.
    await f.addProvider("ownkey", { withKey: false, priority: 10 });
    await f.addModel("ownkey", "mock-byok", { level: "PRECISION", input: 30, output: 60, quality: 9 });
    try {
      const freeRes = await chat(c, { model: "balanced" });
      expect(freeRes.status, freeRes.text).toBe(200);
      expect(freeRes.headers.get("x-model-used")).toBe("freebie/mock-free");
      expect(freeRes.json.usage.cost).toBe(0);

      expect((await c.call("/api/byok", { body: { provider: "ownkey", api_key: "upstream-secret" } })).status).toBe(
        201,
      );
      const byok = await chat(c, { model: "ownkey/mock-byok" });
      expect(byok.status, byok.text).toBe(200);
      expect(byok.json.usage.cost).toBe(0);
      expect((await getBalance(f.db, c.id)).balanceMicros).toBe(before);
      expect((await c.call("/api/credits")).json.month_spend_usd).toBe(1);
      // Free and BYOK requests reserve nothing.
      const holds = await sql(f.url, "SELECT id FROM reservations WHERE id = ANY($1)", [
        [freeRes.headers.get("x-request-id"), byok.headers.get("x-request-id")],
      ]);
      expect(holds).toEqual([]);
    } finally {
      await f.asAdmin(`/api/admin/models/${free.id}`, { method: "PATCH", body: { enabled: false } });
    }

    // Raising the budget lifts the limit at once.
    await c.call("/api/settings", { method: "PUT", body: { monthly_budget_usd: 100 } });
    const lifted = await chat(c, { model: "balanced" });
    expect(lifted.status).toBe(200);
    expect(lifted.headers.get("x-power-level")).toBe("BALANCED");
  });
});

describe("holds through the gateway", () => {
  it("a request holds the dearest estimate over its fallback chain, and is charged what the serving model used", async () => {
    await f.addProvider("dear2", { priority: 60 });
    await f.addModel("dear2", "mock-dear2", { level: "PRECISION", input: 2, output: 400, quality: 9.4 });
    const c = await newCaller("holder", 5_000_000);
    const body = { model: "precision", max_tokens: 200, messages: [{ role: "user", content: "explain the ledger" }] };
    const route = await c.call("/api/v1/route", { body });
    expect(route.status).toBe(200);
    const chain = [route.json.primary, ...route.json.fallbacks] as { model: string; estimated_cost_usd: number }[];
    expect(chain.map((x) => x.model).sort()).toEqual(["dear/mock-dear", "dear2/mock-dear2"]);
    const estimates = chain.map((x) => Math.round(x.estimated_cost_usd * 1e6));
    expect(Math.max(...estimates)).toBe(200 * 1000); // mock-dear: 200 tokens × 1000 micro-USD, input free

    // The primary fails, the fallback serves: the hold covered either, the charge is the fallback's.
    const primaryUpstream = route.json.primary.model.split("/")[1];
    f.mock.setBehavior({ status: 503 }, { model: primaryUpstream, once: true });
    const res = await c.call("/api/v1/chat/completions", { body });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("x-fallback-count")).toBe("1");
    expect(res.json.model).toBe(route.json.fallbacks[0].model);
    const id = res.headers.get("x-request-id")!;
    const [hold] = await sql<{ amount: string; status: string }>(
      f.url,
      "SELECT amount_micros::text AS amount, status::text FROM reservations WHERE id = $1",
      [id],
    );
    expect(hold).toEqual({ amount: String(Math.max(...estimates)), status: "SETTLED" });
    const [charge] = await sql<{ amount: string }>(
      f.url,
      "SELECT amount_micros::text AS amount FROM ledger_entries WHERE idempotency_key = $1",
      [`charge:${id}`],
    );
    expect(-Number(charge!.amount)).toBe(Math.round(res.json.usage.cost * 1e6));
    expect(await getBalance(f.db, c.id)).toEqual({
      balanceMicros: 5_000_000 + Number(charge!.amount),
      reservedMicros: 0,
      availableMicros: 5_000_000 + Number(charge!.amount),
    });
    expect((await verifyLedger(f.db)).mismatches).toEqual([]);
  });
});
