import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { formatUsdAmount } from "../lib/money/units";
import { cli, expectSignedInAs, signIn } from "./helpers";

// A new user buys $10 of credits through the local Stripe double (hosted page → signed webhook →
// back to /credits/success), then spends some at PRECISION, and the statement shows the exact
// charge. Amounts are compared as decimal strings built from integer micro-dollars, never floats.
const user = { email: `credits-${Date.now()}@e2e.test`, password: "credits-password-1" };
const prompt = "What does a switchyard do?";

// The built-in simulated PRECISION model's list price (prisma/seed-catalog.json), in micro-USD per token.
const SIM_PRECISION_MICROS_PER_TOKEN = { input: 3, output: 15 };

/** Integer micro-USD as the credits pages show it: at least cents, up to 6 decimals, "-" for minus. */
function usd(micros: number): string {
  const abs = Math.abs(micros);
  const frac = String(abs % 1_000_000)
    .padStart(6, "0")
    .replace(/0+$/, "")
    .padEnd(2, "0");
  return `${micros < 0 ? "-" : ""}$${Math.floor(abs / 1_000_000).toLocaleString("en-US")}.${frac}`;
}

/** The header widget's figure: whole cents, rounded down. */
const cents = (micros: number) =>
  `$${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000)
    .padStart(6, "0")
    .slice(0, 2)}`;

async function openNav(page: Page, label: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
}

test.beforeAll(() => {
  expect(cli("user", "create", "--email", user.email, "--password", user.password)).toContain(
    `created USER ${user.email}`,
  );
});

test("a user buys $10 of credits with Stripe Checkout and a PRECISION reply is charged exactly", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, user.email, user.password);
  await expectSignedInAs(page, user.email);
  const widget = page.getByTestId("balance-widget");
  await expect(widget).toContainText("$0.00");

  await openNav(page, "Credits");
  await expect(page.getByTestId("balance")).toContainText("$0.00");
  await expect(page.getByText("No entries yet.")).toBeVisible();

  // Stripe's hosted page (the double's), then back to the app.
  await page.getByRole("button", { name: "Buy $10", exact: true }).click();
  await page.waitForURL(/127\.0\.0\.1:\d+\/pay\/cs_test_/);
  await expect(page.getByText("Switchyard credits: $10.00")).toBeVisible();
  await page.getByRole("button", { name: "Pay $10.00" }).click();
  await page.waitForURL(/\/credits\/success\?session_id=cs_test_/);
  await expect(page.getByTestId("purchase-status")).toHaveText("Payment received: $10.00 added. New balance $10.00");
  await expect(widget).toContainText("$10.00");

  await page.getByRole("link", { name: "Back to Credits" }).click();
  await expect(page.getByTestId("balance")).toContainText("$10.00");
  const purchase = page.getByTestId("statement-row").first();
  await expect(purchase).toContainText("PURCHASE");
  await expect(purchase.getByTestId("statement-amount")).toHaveText("+$10.00");
  await expect(purchase.getByTestId("statement-balance-after")).toHaveText("$10.00");

  // Spend: with credits, a PRECISION request goes to the simulated PRECISION model.
  await openNav(page, "Chat");
  await page.getByRole("button", { name: "PRECISION", exact: true }).click();
  await expect(page.getByRole("button", { name: "PRECISION", exact: true })).toHaveAttribute("aria-pressed", "true");
  await page.getByLabel("Message").fill(prompt);
  await page.getByRole("button", { name: "Send" }).click();
  const reply = page.getByTestId("assistant-message");
  await expect(reply).toContainText(`Simulated reply from sim-precision`);
  const meta = reply.getByTestId("reply-meta");
  await expect(meta).toContainText(/cost \$/);
  const metaText = await meta.innerText();
  expect(metaText).toContain("simulated");
  expect(metaText).toContain("sim-precision");

  // The exact charge in integer micro-dollars, from the reply's token counts and the model's price.
  // The meta line shows the same cost through the formatter the playground uses.
  const [, promptTokens, completionTokens] = /(\d+) in \/ (\d+) out tokens/.exec(metaText)!;
  const costMicros =
    Number(promptTokens) * SIM_PRECISION_MICROS_PER_TOKEN.input +
    Number(completionTokens) * SIM_PRECISION_MICROS_PER_TOKEN.output;
  expect(costMicros).toBeGreaterThan(0);
  expect(metaText).toContain(`cost ${formatUsdAmount(costMicros / 1_000_000)}`);

  // The statement: the newest CHARGE is −cost and leaves exactly $10 − cost.
  await openNav(page, "Credits");
  await expect(page.getByTestId("balance")).toContainText(usd(10_000_000 - costMicros));
  const charge = page.getByTestId("statement-row").filter({ hasText: "CHARGE" }).first();
  await expect(charge.getByTestId("statement-amount")).toHaveText(usd(-costMicros));
  await expect(charge.getByTestId("statement-balance-after")).toHaveText(usd(10_000_000 - costMicros));
  await expect(widget).toContainText(cents(10_000_000 - costMicros));

  // Usage agrees with the ledger to the micro-dollar.
  await openNav(page, "Usage");
  await expect(page.getByRole("region", { name: "Requests" }).locator("p").first()).toHaveText("1");
  await expect(page.getByRole("region", { name: "Spend" })).toContainText(usd(costMicros));

  // And the books balance.
  expect(cli("ledger", "verify")).toContain("all balances match their entries");
});

test("an admin grants and corrects a user's credits, with a reason", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
  await openNav(page, "Users");
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: user.email, exact: true }) });
  await row.getByRole("button", { name: "Credits" }).click();
  const form = page.getByRole("form", { name: "Grant or correct credits" });

  // Without a reason nothing is posted.
  await form.getByLabel("Amount (USD)").fill("5");
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(form.getByLabel("Reason")).toHaveAccessibleDescription("Reason must be at least 3 characters");

  await form.getByLabel("Reason").fill("e2e welcome credit");
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(form.getByRole("status")).toContainText("Granted +$5.00");

  // A correction below zero is refused by the ledger.
  await form.getByLabel("Amount (USD)").fill("-1000");
  await form.getByLabel("Reason").fill("e2e too large a correction");
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(form.getByLabel("Amount (USD)")).toHaveAccessibleDescription(/below zero/);

  await form.getByLabel("Amount (USD)").fill("-2.5");
  await form.getByLabel("Reason").fill("e2e correction");
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(form.getByRole("status")).toContainText("Corrected -$2.50");
});
