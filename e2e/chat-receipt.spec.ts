import { expect, request, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { cli, expectSignedInAs, signIn } from "./helpers";

// P5 §2, §3, §5: a reply says in words when it was served below the level asked (with where to
// fix it), "Why this model?" shows the receipt recorded with the request, and a stopped reply
// shows what the ledger charged for it.
const broke = { email: `receipt-broke-${Date.now()}@e2e.test`, password: "receipt-password-1" };
const payer = { email: `receipt-payer-${Date.now()}@e2e.test`, password: "receipt-password-2" };
const SEEDED_SIMULATION = { first_token_ms: 250, tokens_per_second: 60, error_rate: 0, error_status: 503 };

let admin: APIRequestContext;

async function setSimulation(simulation: Record<string, number>) {
  const providers = (await (await admin.get("/api/admin/providers")).json()).data as { id: string; slug: string }[];
  const sim = providers.find((p) => p.slug === "simulated")!;
  expect((await admin.patch(`/api/admin/providers/${sim.id}`, { data: { simulation } })).status()).toBe(200);
}

test.beforeAll(async ({}, info) => {
  for (const u of [broke, payer])
    expect(cli("user", "create", "--email", u.email, "--password", u.password)).toContain(`created USER ${u.email}`);
  const key = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "receipt-spec").trim().split("\n").at(-1)!;
  admin = await request.newContext({
    baseURL: info.project.use.baseURL!,
    extraHTTPHeaders: { Authorization: `Bearer ${key}` },
  });
  const users = (await (await admin.get("/api/admin/users")).json()).data as { id: string; email: string }[];
  const id = users.find((u) => u.email === payer.email)!.id;
  expect(
    (await admin.post(`/api/admin/users/${id}/credits`, { data: { amount_usd: 5, reason: "receipt e2e" } })).status(),
  ).toBe(201);
});

test.afterAll(async () => {
  await setSimulation(SEEDED_SIMULATION);
  await admin.dispose();
});

test("a $0 user who picks PRECISION is told, next to the reply, that it was served at ECO and why", async ({
  page,
}) => {
  await signIn(page, broke.email, broke.password);
  await expectSignedInAs(page, broke.email);
  await page.goto("/chat");
  await page.getByRole("button", { name: "PRECISION", exact: true }).click();
  await page.getByLabel("Message").fill("Explain routing in one line");
  await page.getByRole("button", { name: "Send" }).click();

  const reply = page.getByTestId("assistant-message");
  const note = reply.getByTestId("reply-downgrade");
  await expect(note).toContainText("Served at ECO: your credits don't cover PRECISION — add credits");
  await expect(note.getByRole("link", { name: "Add credits" })).toHaveAttribute("href", "/credits");
  await expect(reply.getByTestId("reply-meta")).toContainText(/^ECO · simulated/);

  await reply.getByRole("button", { name: "Why this model?" }).click();
  const why = reply.getByTestId("route-explanation");
  await expect(why).toContainText("Recorded when this reply was routed");
  await expect(why).toContainText("PRECISION → ECO");
  await expect(why).toContainText("served");

  // Stored with the conversation: a reload still says it.
  await page.reload();
  await expect(page.getByTestId("reply-downgrade")).toContainText("your credits don't cover PRECISION");
});

test("a stopped reply shows the charge the ledger recorded for it, to the micro-dollar", async ({ page }) => {
  await setSimulation({ ...SEEDED_SIMULATION, tokens_per_second: 4 });
  await signIn(page, payer.email, payer.password);
  await expectSignedInAs(page, payer.email);
  await page.goto("/chat");
  await page.getByRole("button", { name: "PRECISION", exact: true }).click();
  await page.getByLabel("Message").fill("Tell me a long story about freight yards");
  await page.getByRole("button", { name: "Send" }).click();
  const reply = page.getByTestId("assistant-message");
  await expect(reply.locator("p").first()).toContainText("Simulated", { timeout: 20_000 });
  await page.getByRole("button", { name: "Stop" }).click();

  const meta = reply.getByTestId("reply-meta");
  await expect(meta).toContainText("(stopped)");
  const shown = /cost (\$[\d.]+) \(stopped\)/.exec(await meta.innerText())![1]!;
  const ledger = await (await page.request.get("/api/credits/ledger")).json();
  const charge = (ledger.data as { type: string; amount_usd: number }[]).find((e) => e.type === "CHARGE")!;
  expect(shown).toBe(`$${(-charge.amount_usd).toFixed(6).replace(/0+$/, "")}`);
  expect(-charge.amount_usd).toBeGreaterThan(0);
});
