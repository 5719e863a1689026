import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { cli } from "./helpers";

// The real server (npm start): completions go through the fast path (scripts/serve.ts) and the
// metrics route through Next; both must see one set of counters.
test("a completion served by the app shows up in GET /api/metrics, which only an admin or the token may read", async ({
  request,
}) => {
  const key = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "metrics-spec").trim().split("\n").at(-1)!;
  const auth = { Authorization: `Bearer ${key}` };
  const count = async () => {
    const res = await request.get("/api/metrics", { headers: auth });
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("text/plain");
    const text = await res.text();
    return text
      .split("\n")
      .filter(
        (l) =>
          l.startsWith('switchyard_requests_total{provider="simulated",model="simulated/sim-eco"') &&
          l.includes('status="success"'),
      )
      .reduce((n, l) => n + Number(l.split(" ").pop()), 0);
  };
  const before = await count();
  const reply = await request.post("/api/v1/chat/completions", {
    headers: auth,
    data: { model: "simulated/sim-eco", messages: [{ role: "user", content: "count me" }] },
  });
  expect(reply.status(), await reply.text()).toBe(200);
  expect(await count()).toBe(before + 1);
  expect((await request.get("/api/metrics")).status()).toBe(401);
});
