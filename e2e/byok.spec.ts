import { expect, request, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN, E2E_MOCK_UPSTREAM } from "../playwright.config";
import { cli, expectSignedInAs, signIn } from "./helpers";

// P8: a provider key is checked with the provider before it is saved. The Keys page shows a key
// the provider refuses as an error on the form (nothing saved), offers to keep a key unverified
// when the provider cannot be reached, shows each stored key's state, and says what the BYOK fee
// is before a key is added. The providers point at the mock upstream playwright.config.ts starts
// (its model list accepts one key) and at a port nothing listens on.
const stamp = Date.now();
const user = { email: `byok-${stamp}@e2e.test`, password: "byok-password-1" };
const mockProvider = { slug: `e2e-mock-${stamp}`, name: `Mock Upstream ${stamp}` };
const deadProvider = { slug: `e2e-dead-${stamp}`, name: `Dead Upstream ${stamp}`, baseUrl: "http://127.0.0.1:1/v1" };
const wrongKey = `sk-e2e-wrong-${stamp}-abcdefghij`;

let admin: APIRequestContext;
const created: string[] = [];

test.beforeAll(async ({}, info) => {
  expect(cli("user", "create", "--email", user.email, "--password", user.password)).toContain(
    `created USER ${user.email}`,
  );
  const key = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "byok-spec").trim().split("\n").at(-1)!;
  admin = await request.newContext({
    baseURL: info.project.use.baseURL!,
    extraHTTPHeaders: { Authorization: `Bearer ${key}` },
  });
  for (const p of [{ ...mockProvider, baseUrl: `http://127.0.0.1:${E2E_MOCK_UPSTREAM.port}/v1` }, deadProvider]) {
    const res = await admin.post("/api/admin/providers", {
      data: {
        slug: p.slug,
        name: p.name,
        kind: "openai-compatible",
        base_url: p.baseUrl,
        requires_key: true,
        priority: 10,
        region: "us",
      },
    });
    expect(res.status(), await res.text()).toBe(201);
    created.push((await res.json()).id);
  }
  expect((await admin.patch("/api/admin/settings", { data: { byok_fee_percent: 5 } })).status()).toBe(200);
});

test.afterAll(async () => {
  // Deleting the providers deletes the keys stored for them.
  for (const id of created) await admin.delete(`/api/admin/providers/${id}`);
  await admin.patch("/api/admin/settings", { data: { byok_fee_percent: 0 } });
  await admin.dispose();
});

async function openKeys(page: Page) {
  await signIn(page, user.email, user.password);
  await expectSignedInAs(page, user.email);
  await page.goto("/keys");
  await expect(page.getByLabel("Provider", { exact: true }).locator("option").first()).toBeAttached();
}

const rowOf = (page: Page, name: string) =>
  page.getByRole("table", { name: "Provider keys" }).getByRole("row").filter({ hasText: name });

test("a key the provider refuses is not saved and the form says why; the right key is saved as verified", async ({
  page,
}) => {
  await openKeys(page);
  await expect(
    page.getByText(
      "Requests served with your own key are charged a fee of 5% of the provider's list cost to your credits.",
    ),
  ).toBeVisible();

  await page.getByLabel("Provider", { exact: true }).selectOption({ label: mockProvider.name });
  const key = page.getByLabel("API key");
  await key.fill(wrongKey);
  await page.getByRole("button", { name: "Add key" }).click();
  await expect(key).toHaveAccessibleDescription(
    `${mockProvider.name} refused this key (HTTP 401: invalid api key: [redacted]). Nothing was saved: check that you copied the whole key.`,
  );
  await expect(key).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("No provider keys yet.")).toBeVisible();
  await expect(page.getByText(wrongKey.slice(13))).toHaveCount(0);

  await key.fill(E2E_MOCK_UPSTREAM.acceptedKey);
  await page.getByRole("button", { name: "Add key" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: `Key checked with ${mockProvider.name} and saved.` }),
  ).toBeVisible();
  await expect(key).not.toHaveAttribute("aria-invalid", "true");
  await expect(rowOf(page, mockProvider.name).getByText("verified", { exact: true })).toBeVisible();
});

test("a provider that cannot be reached offers to save the key unverified, and the key then says so", async ({
  page,
}) => {
  await openKeys(page);
  await page.getByLabel("Provider", { exact: true }).selectOption({ label: deadProvider.name });
  await page.getByLabel("API key").fill(`sk-e2e-unchecked-${stamp}`);
  await page.getByRole("button", { name: "Add key" }).click();

  const question = page.getByRole("alert").filter({ hasText: "Save it unverified?" });
  await expect(question).toContainText(
    `Could not reach ${deadProvider.name} (connection refused at ${deadProvider.baseUrl}) to check the key.`,
  );
  await expect(rowOf(page, deadProvider.name)).toHaveCount(0);

  await question.getByRole("button", { name: "Save unverified" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: `Key saved for ${deadProvider.name}, unverified.` }),
  ).toBeVisible();
  const row = rowOf(page, deadProvider.name);
  await expect(row.getByText("unverified", { exact: true })).toBeVisible();
  await expect(row).toContainText("not checked — the provider could not be reached when it was saved");
  await expect(page.getByRole("alert").filter({ hasText: "Save it unverified?" })).toHaveCount(0);
});

test("an admin sets the BYOK fee on the Users page, checked as the API checks it", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
  await page.goto("/admin/users");
  const fee = page.getByLabel("BYOK fee (% of provider cost)");
  await expect(fee).toHaveValue("5");
  await fee.fill("1.234");
  await page.getByRole("button", { name: "Save fee" }).click();
  await expect(fee).toHaveAccessibleDescription("BYOK fee can have at most 2 decimals");
  await fee.fill("2.5");
  await page.getByRole("button", { name: "Save fee" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "BYOK fee set to 2.5% of the provider cost." }),
  ).toBeVisible();
  expect((await (await admin.get("/api/admin/settings")).json()).byok_fee_percent).toBe(2.5);
});
