// Who may call what, for every API route and method (derived from the app/api tree, methods read
// from each route module): anonymous callers get 401 except on the routes public by design
// (tests/harness/api-access.ts, each with its reason); a plain user and a finance user get 403 on
// /api/admin/**; everyone else gets past the door. And one user cannot read or change another's
// keys, BYOK keys, conversations, usage rows or purchases: those answer 404 (their existence is
// not the other user's business), and the owner's data is unchanged afterwards.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canEnter, type Role } from "../../lib/auth/roles.ts";
import { createApiKey } from "../../lib/keys/api-keys.ts";
import { postEntry } from "../../lib/ledger/ledger.ts";
import { createUser } from "../../lib/users/users.ts";
import { expectedArea, isPublic, PUBLIC_ROUTES, saysDenied } from "../harness/api-access.ts";
import { apiRoutes, routeMethods, type ApiRoute, type HttpMethod } from "../harness/app-server.ts";
import { fillTemplate } from "../harness/api-routes.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";

let f: GatewayFixture;
const keys: Partial<Record<Role, string>> = {};
let intruderKey = "";
const owned: Record<string, string> = {};

const NOBODY = "00000000-0000-4000-8000-000000000000";

function pathOf(route: ApiRoute, values: Record<string, string> = {}): string {
  return fillTemplate(route.template, (name) => values[name] ?? (name === "nextauth" ? "session" : NOBODY));
}

async function call(key: string | null, method: HttpMethod, path: string, body?: unknown) {
  const res = await fetch(`${f.app.url}${path}`, {
    method,
    redirect: "manual",
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (next-auth's pages, CSV)
  }
  return { status: res.status, json };
}

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("az", { priority: 90 });
  await f.addModel("az", "az-model", { level: "BALANCED", input: 0, output: 0 });
  await f.addProvider("az-byok", { priority: 10, withKey: false });
  keys.ADMIN = f.adminKey;
  keys.USER = f.userKey;
  const finance = await createUser(f.db, {
    email: `finance-${randomUUID().slice(0, 8)}@test.example`,
    password: "finance-password",
    role: "FINANCE",
  });
  keys.FINANCE = (await createApiKey(f.db, finance.id, { name: "finance" })).key;
  const intruder = await createUser(f.db, {
    email: `intruder-${randomUUID().slice(0, 8)}@test.example`,
    password: "intruder-password",
  });
  intruderKey = (await createApiKey(f.db, intruder.id, { name: "intruder" })).key;

  // The plain user's things, which the intruder (and the admin, through these per-user routes) must not reach.
  const spare = await createApiKey(f.db, f.user.id, { name: "owned" });
  const conversation = await f.asUser("/api/conversations", { body: { title: "owned" } });
  await f.asUser(`/api/conversations/${conversation.json.id}/messages`, {
    body: { messages: [{ role: "user", content: "mine" }] },
  });
  const byok = await f.asUser("/api/byok", { body: { provider: "az-byok", api_key: "upstream-secret" } });
  const chat = await f.asUser("/api/v1/chat/completions", {
    body: { model: "auto", messages: [{ role: "user", content: "hello" }] },
  });
  for (const [what, res] of Object.entries({ conversation, byok, chat }))
    if (res.status >= 300) throw new Error(`setup ${what}: ${res.status} ${res.text}`);
  await postEntry(f.db, {
    userId: f.user.id,
    type: "PURCHASE",
    amountMicros: 5_000_000,
    reference: "owned purchase",
    idempotencyKey: "stripe-session:cs_owned",
  });
  Object.assign(owned, {
    key: spare.id,
    conversation: conversation.json.id,
    byok: byok.json.id,
    request: chat.headers.get("x-request-id")!,
    session: "cs_owned",
    spareKey: spare.key,
  });
});
afterAll(() => f?.close());

describe("authorization matrix", () => {
  const routes = apiRoutes();

  it("every public route is a real route, with a reason", () => {
    for (const p of PUBLIC_ROUTES) {
      expect(
        routes.map((r) => r.template),
        p.template,
      ).toContain(p.template);
      expect(p.reason.length).toBeGreaterThan(10);
    }
  });

  for (const route of routes) {
    it(`${route.template}: anonymous 401 unless public, 403 outside the caller's area`, async () => {
      const methods = await routeMethods(route);
      expect(methods.length).toBeGreaterThan(0);
      const area = expectedArea(route.template);
      const wrong: string[] = [];
      for (const method of methods) {
        const path = pathOf(route);
        const anonymous = await call(null, method, path);
        if (isPublic(route.template, method)) {
          if (anonymous.status === 401 || anonymous.status === 403)
            wrong.push(`anonymous ${method}: ${anonymous.status} on a public route`);
        } else if (anonymous.status !== 401 || !saysDenied(path, anonymous.json, 401)) {
          wrong.push(`anonymous ${method}: ${anonymous.status}, expected 401`);
        }
        for (const role of ["USER", "FINANCE", "ADMIN"] as Role[]) {
          const res = await call(keys[role]!, method, path);
          const allowed = isPublic(route.template, method) || canEnter(role, area);
          if (allowed && (res.status === 401 || res.status === 403))
            wrong.push(`${role} ${method}: ${res.status}, expected to get past the door`);
          if (!allowed && (res.status !== 403 || !saysDenied(path, res.json, 403)))
            wrong.push(`${role} ${method}: ${res.status}, expected 403`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }
});

describe("one user's resources, reached by another", () => {
  // Each user-area route with a path param names something a user owns. A new one fails here until
  // it is listed, with what the intruder sends and how the owner checks nothing changed.
  type Owned = {
    params: () => Record<string, string>;
    body?: Partial<Record<HttpMethod, unknown>>;
    intact: () => Promise<void>;
    answer?: (status: number, json: any) => boolean;
  };
  const OWNED: Record<string, Owned> = {
    "/api/keys/[id]": {
      params: () => ({ id: owned.key! }),
      body: { PATCH: { rpm: 1, name: "taken over" } },
      intact: async () => {
        expect((await call(owned.spareKey!, "GET", "/api/me")).status).toBe(200);
        const mine = (await f.asUser("/api/keys")).json.data.find((k: { id: string }) => k.id === owned.key);
        expect(mine).toMatchObject({ name: "owned", rpm: null });
      },
    },
    "/api/byok/[id]": {
      params: () => ({ id: owned.byok! }),
      intact: async () =>
        expect((await f.asUser("/api/byok")).json.data.map((k: { id: string }) => k.id)).toContain(owned.byok),
    },
    "/api/conversations/[id]": {
      params: () => ({ id: owned.conversation! }),
      body: { PATCH: { title: "taken over" } },
      intact: async () => {
        const res = await f.asUser(`/api/conversations/${owned.conversation}`);
        expect(res.status).toBe(200);
        expect(res.json.title).toBe("owned");
      },
    },
    "/api/conversations/[id]/messages": {
      params: () => ({ id: owned.conversation! }),
      body: { POST: { messages: [{ role: "user", content: "planted" }] } },
      intact: async () =>
        expect(
          (await f.asUser(`/api/conversations/${owned.conversation}`)).json.messages.map(
            (m: { content: string }) => m.content,
          ),
        ).toEqual(["mine"]),
    },
    "/api/usage/requests/[id]": {
      params: () => ({ id: owned.request! }),
      intact: async () => expect((await f.asUser(`/api/usage/requests/${owned.request}`)).status).toBe(200),
    },
    // Polled by the success page: someone else's session reads as never credited, not as a 404.
    "/api/credits/purchases/[sessionId]": {
      params: () => ({ sessionId: owned.session! }),
      answer: (status, json) => status === 200 && json.status === "pending" && json.amount_usd === null,
      intact: async () =>
        expect((await f.asUser(`/api/credits/purchases/${owned.session}`)).json.status).toBe("credited"),
    },
  };

  it("lists every user-area route that takes a path param", () => {
    const withParams = apiRoutes().filter(
      (r) =>
        r.params.length && expectedArea(r.template) === "user" && !PUBLIC_ROUTES.some((p) => p.template === r.template),
    );
    expect(withParams.map((r) => r.template).sort()).toEqual(Object.keys(OWNED).sort());
  });

  for (const [template, spec] of Object.entries(OWNED)) {
    it(`${template}: another user (or an admin) gets 404 and the owner's data is unchanged`, async () => {
      const route = apiRoutes().find((r) => r.template === template)!;
      const methods = await routeMethods(route);
      const wrong: string[] = [];
      for (const [who, key] of [
        ["another user", intruderKey],
        ["an admin", f.adminKey],
      ] as const) {
        // Reads and changes first, deletions last, so a wrongly allowed change is still visible.
        for (const method of [...methods].sort((a, b) => Number(a === "DELETE") - Number(b === "DELETE"))) {
          const res = await call(key, method, pathOf(route, spec.params()), spec.body?.[method]);
          const ok = spec.answer
            ? spec.answer(res.status, res.json)
            : res.status === 404 && res.json?.error?.code === "not_found";
          if (!ok) wrong.push(`${who} ${method}: ${res.status} ${JSON.stringify(res.json)}`);
        }
      }
      expect(wrong).toEqual([]);
      await spec.intact();
    });
  }
});
