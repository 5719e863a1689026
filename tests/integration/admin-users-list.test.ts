// GET /api/admin/users as the Users page pages through it (newest first): search by email, role filter, a cursor
// that walks every user exactly once (ties and sign-ups mid-walk included), and the money and
// activity columns exact to the micro-dollar.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { postEntry, reserve, settle } from "../../lib/ledger/ledger.ts";
import { createUser } from "../../lib/users/users.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";

let f: GatewayFixture;
const run = randomUUID().slice(0, 6);

type Row = {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
  created_at: string;
  owed_usd: number;
  balance_usd: number;
  month_spend_usd: number;
  last_active_at: string | null;
};
type Page = { data: Row[]; next_cursor: string | null };

beforeAll(async () => {
  f = await startGatewayFixture();
});
afterAll(() => f?.close());

const list = async (query: Record<string, string | number> = {}) => {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  const res = await f.asAdmin(`/api/admin/users?${qs}`);
  expect(res.status, res.text).toBe(200);
  return res.json as Page;
};

async function walk(query: Record<string, string | number>, between?: (page: number) => Promise<void>): Promise<Row[]> {
  const seen: Row[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const res: Page = await list({ ...query, ...(cursor ? { cursor } : {}) });
    expect(res.data.length).toBeLessThanOrEqual(Number(query.limit));
    seen.push(...res.data);
    cursor = res.next_cursor;
    if (!cursor) return seen;
    await between?.(page);
  }
  throw new Error("the cursor never ended");
}

const make = (local: string, role: "USER" | "ADMIN" | "FINANCE" = "USER") =>
  createUser(f.db, { email: `${local}@${run}.list.test`, password: "list-password", role });

describe("search and role filter", () => {
  const made: Record<string, string> = {};
  beforeAll(async () => {
    for (const [local, role] of [
      ["Alice.Search", "USER"],
      ["bob.search", "FINANCE"],
      ["carol", "ADMIN"],
      ["dave.search", "ADMIN"],
      ["under_score", "USER"],
      ["under-score", "USER"],
      ["100pct", "USER"],
    ] as const) {
      made[local.toLowerCase()] = (await make(local, role)).id;
    }
  });

  it("q matches a case-insensitive substring of the email", async () => {
    const res = await list({ q: `SEARCH@${run.toUpperCase()}` });
    expect(res.data.map((u) => u.email).sort()).toEqual([
      `alice.search@${run}.list.test`,
      `bob.search@${run}.list.test`,
      `dave.search@${run}.list.test`,
    ]);
    expect(res.next_cursor).toBeNull();
    expect((await list({ q: `nobody-${run}` })).data).toEqual([]);
  });

  it("treats % and _ in the search as the characters themselves", async () => {
    expect((await list({ q: `r_s` })).data.map((u) => u.id)).toEqual([made["under_score"]]);
    expect((await list({ q: `0%` })).data).toEqual([]);
    expect((await list({ q: `${run}.list` })).data).toHaveLength(7);
  });

  it("role narrows to that role, alone or with a search; an empty role or q is no filter", async () => {
    const finance = await list({ role: "FINANCE" });
    expect(finance.data.map((u) => u.id)).toEqual([made["bob.search"]]);
    const admins = await list({ role: "ADMIN", q: run });
    expect(admins.data.map((u) => u.id)).toEqual([made["dave.search"], made["carol"]]);
    expect(admins.data.every((u) => u.role === "ADMIN")).toBe(true);
    expect((await list({ role: "", q: "" })).data.length).toBe((await list({})).data.length);
  });

  it("refuses malformed parameters with 400, and plain users with 403", async () => {
    for (const query of [
      "role=ROOT",
      "role=admin",
      "limit=0",
      "limit=201",
      "limit=abc",
      "cursor=not-a-cursor",
      `cursor=${Buffer.from("2020-01-01|x").toString("base64url")}`,
      `q=${"x".repeat(300)}`,
    ]) {
      const res = await f.asAdmin(`/api/admin/users?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json.error.code).toBe("invalid_request");
    }
    const asUser = await f.asUser("/api/admin/users");
    expect(asUser.status).toBe(403);
    expect(asUser.json.error.code).toBe("forbidden");
    expect(JSON.stringify(asUser.json)).not.toContain("@");
  });
});

describe("pagination", () => {
  it("walks every user exactly once, newest first, even with equal timestamps and sign-ups during the walk", async () => {
    const tied: string[] = [];
    for (let i = 0; i < 9; i++) tied.push((await make(`tied-${i}`)).id);
    // Users created in the same millisecond: only the id can order them.
    await sql(f.url, "UPDATE users SET created_at = $1 WHERE id = ANY($2)", [
      new Date("2024-05-05T05:05:05.005Z"),
      tied,
    ]);

    const late: string[] = [];
    const seen = await walk({ limit: 4 }, async (page) => {
      if (page === 1) late.push((await make(`late-${randomUUID().slice(0, 4)}`)).id);
    });
    const all = await sql<{ id: string }>(f.url, "SELECT id FROM users ORDER BY created_at DESC, id DESC");
    // Whoever signs up mid-walk is on page one, already behind the walk: every user seen before is seen once.
    expect(seen.map((u) => u.id)).toEqual(all.map((r) => r.id).filter((id) => !late.includes(id)));
    expect((await list({ limit: 1 })).data.map((u) => u.id)).toEqual(late);
    expect(new Set(seen.map((u) => u.id)).size).toBe(seen.length);
    expect(seen.map((u) => u.id)).toEqual(expect.arrayContaining(tied));
  });

  it("pages through a filtered list with the filter kept", async () => {
    for (let i = 0; i < 7; i++) await make(`pager-${i}`, i % 2 ? "FINANCE" : "USER");
    const seen = await walk({ q: `pager-`, role: "FINANCE", limit: 2 });
    expect(seen.map((u) => u.email)).toEqual([5, 3, 1].map((i) => `pager-${i}@${run}.list.test`));
  });
});

describe("money and activity columns", () => {
  async function charge(userId: string, holdMicros: number, costMicros: number) {
    const id = `list-${randomUUID()}`;
    await reserve(f.db, userId, id, holdMicros);
    await settle(f.db, userId, id, costMicros, `request ${id}`);
  }

  it("balance, this month's spend and owed are exact to the micro-dollar", async () => {
    const spender = await make("spender");
    await postEntry(f.db, { userId: spender.id, type: "GRANT", amountMicros: 5_000_001, reference: "test grant" });
    await charge(spender.id, 1_000_000, 1_234_567);
    await charge(spender.id, 500_000, 7);
    // A charge from last month counts in the balance, not in this month's spend.
    await charge(spender.id, 1_000_000, 999_999);
    const monthStart = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
    await sql(
      f.url,
      `UPDATE ledger_entries SET created_at = $1 WHERE amount_micros = -999999 AND account_id = (SELECT id FROM credit_accounts WHERE user_id = $2)`,
      [new Date(monthStart.getTime() - 3_600_000), spender.id],
    );

    const debtor = await make("debtor");
    await postEntry(f.db, { userId: debtor.id, type: "GRANT", amountMicros: 1_000_000, reference: "test grant" });
    await charge(debtor.id, 1_000_000, 3_000_003);

    const idle = await make("idle");
    const rows = (await list({ q: run, limit: 200 })).data;
    expect(rows.find((u) => u.id === spender.id)).toMatchObject({
      balance_usd: 2.765428,
      month_spend_usd: 1.234574,
      owed_usd: 0,
    });
    expect(rows.find((u) => u.id === debtor.id)).toMatchObject({
      balance_usd: -2.000003,
      month_spend_usd: 3.000003,
      owed_usd: 2.000003,
    });
    expect(rows.find((u) => u.id === idle.id)).toMatchObject({
      balance_usd: 0,
      month_spend_usd: 0,
      owed_usd: 0,
      last_active_at: null,
    });
  });

  it("last active is the latest gateway request or gateway key use", async () => {
    const byKey = await make("by-key");
    const key = (await createApiKey(f.db, byKey.id, { name: "ci" })).key;
    const before = Date.now();
    expect((await f.callAs(key)("/api/me")).status).toBe(200);

    const byRequest = await make("by-request");
    const old = new Date("2024-02-03T04:05:06.789Z");
    const recent = new Date("2025-06-07T08:09:10.111Z");
    for (const at of [old, recent]) {
      await sql(
        f.url,
        "INSERT INTO usage_logs (id, user_id, task_type, status, created_at) VALUES ($1, $2, 'chat', 'ok', $3)",
        [randomUUID(), byRequest.id, at],
      );
    }
    const bothKey = (await createApiKey(f.db, byRequest.id, { name: "old" })).id;
    await sql(f.url, "UPDATE api_keys SET last_used_at = $1 WHERE id = $2", [old, bothKey]);

    const rows = (await list({ q: "by-", limit: 200 })).data;
    const keyUse = rows.find((u) => u.id === byKey.id)!.last_active_at;
    expect(Date.parse(keyUse!)).toBeGreaterThanOrEqual(before - 1000);
    expect(rows.find((u) => u.id === byRequest.id)!.last_active_at).toBe(recent.toISOString());
  });
});
