import { expect, request, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { startMockUpstream, type MockUpstream } from "../tests/doubles/mock-upstream";
import { cli, expectSignedInAs, signIn } from "./helpers";

// Money on screen is the money in the ledger: the header pill may only round down to cents (and
// says the exact amount in its tooltip and accessible name), the Credits page shows every
// micro-dollar, and an account that owes money shows a minus, never $0.00.
const stamp = Date.now();
const rich = { email: `money-${stamp}@e2e.test`, password: "money-password-1" };
const debtor = { email: `owes-${stamp}@e2e.test`, password: "owes-password-1" };
// A provider that bills past its own limits (the mock reports 10M prompt tokens for a short prompt):
// $1.5/1M in, $3/1M out → 10M × 1.5 + 1 × 3 micro-dollars = $15.000003 against a $1 balance.
const overbiller = `overbill-${stamp}`;

let admin: APIRequestContext;
let mock: MockUpstream;

async function userId(email: string): Promise<string> {
  const list = (await (await admin.get(`/api/admin/users?q=${encodeURIComponent(email)}`)).json()).data as {
    id: string;
    email: string;
  }[];
  return list.find((u) => u.email === email)!.id;
}

async function grant(email: string, amountUsd: number) {
  const res = await admin.post(`/api/admin/users/${await userId(email)}/credits`, {
    data: { amount_usd: amountUsd, reason: "e2e money display" },
  });
  expect(res.status(), await res.text()).toBe(201);
}

async function openCredits(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Credits", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Credits" })).toBeVisible();
}

test.beforeAll(async ({}, info) => {
  for (const u of [rich, debtor])
    expect(cli("user", "create", "--email", u.email, "--password", u.password)).toContain(`created USER ${u.email}`);
  const key = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "money-display").trim().split("\n").at(-1)!;
  admin = await request.newContext({
    baseURL: info.project.use.baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${key}` },
  });
  mock = await startMockUpstream();
});

test.afterAll(async () => {
  const providers = ((await (await admin.get("/api/admin/providers")).json()).data ?? []) as {
    id: string;
    slug: string;
  }[];
  for (const p of providers.filter((p) => p.slug === overbiller)) await admin.delete(`/api/admin/providers/${p.id}`);
  await admin?.dispose();
  await mock?.close();
});

test("the header pill shows whole cents, rounded down, and the exact balance in its tooltip", async ({ page }) => {
  await grant(rich.email, 4.99798);
  await signIn(page, rich.email, rich.password);
  await expectSignedInAs(page, rich.email);
  const pill = page.getByTestId("balance-widget");
  // $4.99, not $5.00: the pill never shows money that is not there.
  await expect(pill).toHaveText(/\$4\.99$/);
  await expect(pill).toHaveAttribute("title", /\$4\.99798\b/);
  await expect(pill).toHaveAccessibleName(/\$4\.99798\b/);

  await openCredits(page);
  await expect(page.getByTestId("balance")).toContainText("$4.99798");
  await expect(page.getByTestId("statement-amount").first()).toHaveText("+$4.99798");
});

test("an account that owes shows a minus and 'owes' in the pill and on the Credits page", async ({ page }) => {
  const provider = await admin.post("/api/admin/providers", {
    data: {
      slug: overbiller,
      name: `Overbilling upstream ${stamp}`,
      kind: "openai-compatible",
      base_url: `${mock.url}/v1`,
      requires_key: false,
      priority: 0,
      region: "us",
    },
  });
  expect(provider.status(), await provider.text()).toBe(201);
  const model = await admin.post("/api/admin/models", {
    data: {
      provider: overbiller,
      upstream_id: "mock-long",
      name: "Overbilled model",
      power_level: "BALANCED",
      input_per_1m: 1.5,
      output_per_1m: 3,
      latency_ms: 100,
      quality: 1,
      context_tokens: 10_000_000,
    },
  });
  expect(model.status(), await model.text()).toBe(201);

  await grant(debtor.email, 1);
  const key = cli("key", "create", "--email", debtor.email, "--name", "owes").trim().split("\n").at(-1)!;
  const gateway = await request.newContext({
    baseURL: test.info().project.use.baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${key}` },
  });
  mock.setBehavior({ reportPromptTokens: 10_000_000, tokens: ["x"] }, { model: "mock-long", once: true });
  const res = await gateway.post("/api/v1/chat/completions", {
    data: {
      model: `${overbiller}/mock-long`,
      max_tokens: 16,
      messages: [{ role: "user", content: "say something short" }],
    },
  });
  expect(res.status(), await res.text()).toBe(200);
  await gateway.dispose();

  await signIn(page, debtor.email, debtor.password);
  await expectSignedInAs(page, debtor.email);
  const pill = page.getByTestId("balance-widget");
  await expect(pill).toHaveText(/-\$14\.000003$/);
  await expect(pill).toHaveAttribute("title", /owes \$14\.000003\b/);
  await expect(pill).toHaveAccessibleName(/owes \$14\.000003\b/);

  await openCredits(page);
  await expect(page.getByTestId("balance")).toContainText("-$14.000003");
  await expect(page.getByTestId("balance")).toContainText("owes $14.000003");
  await expect(page.getByTestId("statement-amount").first()).toHaveText("-$15.000003");
  await expect(page.getByTestId("statement-balance-after").first()).toHaveText("-$14.000003");
});
