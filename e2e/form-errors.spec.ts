import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { cli, expectSignedInAs, signIn } from "./helpers";

// Forms say what is wrong with each value next to that value, in words (the field's label and the
// allowed range), all problems at once; and a $0 budget says what it means.
const user = { email: `form-errors-${Date.now()}@e2e.test`, password: "form-errors-password-1" };

async function openNav(page: Page, label: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
}

test.beforeAll(() => {
  expect(cli("user", "create", "--email", user.email, "--password", user.password)).toContain(
    `created USER ${user.email}`,
  );
});

test("the model form shows every problem next to its field", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
  await openNav(page, "Providers");

  await page.getByRole("button", { name: "Add model" }).click();
  const add = page.getByRole("dialog", { name: "Add model" });
  await add.getByLabel("Upstream id").fill(`never-created-${Date.now()}`);
  await add.getByLabel("Display name").fill("");
  await add.getByLabel("Input price (USD / 1M tokens)").fill("-1");
  await add.getByRole("button", { name: "Create model" }).click();

  const name = add.getByLabel("Display name");
  const price = add.getByLabel("Input price (USD / 1M tokens)");
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveAccessibleDescription("Display name is required");
  await expect(price).toHaveAttribute("aria-invalid", "true");
  await expect(price).toHaveAccessibleDescription("Input price must be 0 or more");
  await expect(add.getByText("Display name is required")).toBeVisible();
  await expect(add.getByText("Input price must be 0 or more")).toBeVisible();
  // Fields with nothing wrong say nothing.
  await expect(add.getByLabel("Quality (0–10)")).not.toHaveAttribute("aria-invalid", "true");
  // Nothing was created: the dialog is still open.
  await expect(add).toBeVisible();
});

test("a grant over the maximum says the maximum, in dollars", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
  await openNav(page, "Users");
  await page.getByLabel("Search by email").fill(user.email);
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: user.email, exact: true }) });
  await row.getByRole("button", { name: "Credits" }).click();
  const form = page.getByRole("form", { name: "Grant or correct credits" });

  await form.getByLabel("Amount (USD)").fill("1000001");
  await form.getByLabel("Reason").fill("e2e far too generous");
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(form.getByLabel("Amount (USD)")).toHaveAccessibleDescription(/At most \$1,000,000 per grant/);
  await expect(form.getByText("At most $1,000,000 per grant")).toBeVisible();
  await expect(form.getByRole("status")).toHaveCount(0);
});

test("a $0 monthly budget says what it means, and is saved", async ({ page }) => {
  await signIn(page, user.email, user.password);
  await expectSignedInAs(page, user.email);
  await openNav(page, "Settings");

  const budget = page.getByLabel("Budget (USD per month)");
  await budget.fill("-5");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(budget).toHaveAccessibleDescription("Monthly budget must be 0 or more");

  await budget.fill("0");
  const meaning =
    "A budget of $0 allows no paid requests: only free models and your own provider keys (BYOK) are used.";
  await expect(page.getByText(meaning)).toBeVisible();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await expect(budget).not.toHaveAttribute("aria-invalid", "true");
  // Saved, the budget's summary says the same.
  await expect(page.getByTestId("budget-progress")).toContainText(meaning);
  expect((await (await page.request.get("/api/settings")).json()).monthly_budget_usd).toBe(0);
});
