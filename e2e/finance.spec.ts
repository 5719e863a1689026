import { readFileSync } from "node:fs";
import { expect, request, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { formatUsd, formatUsdSigned } from "../lib/money/units";
import { financePresetRange } from "../lib/usage/finance-range";
import { cli, expectSignedInAs, signIn } from "./helpers";

// A finance user reads the money of a range on /finance. The spec makes money move first: a user
// buys $10 through the local Stripe double, an admin grants $5 and corrects -$1.25, and the user
// sends 3 PRECISION and 23 ECO requests to the built-in simulated provider. Other specs may have
// moved money on the same server today, so each figure is checked as the API's total before this
// spec ran plus exactly what it added.
const stamp = Date.now();
const finance = { email: `finance-${stamp}@e2e.test`, password: "finance-password-1" };
const payer = { email: `finance-payer-${stamp}@e2e.test`, password: "payer-password-1" };
const PURCHASE = 10_000_000;
const GRANT = 5_000_000;
const CORRECTION = -1_250_000;
const PRECISION_REQUESTS = 3;
const ECO_REQUESTS = 23;
const REQUESTS = PRECISION_REQUESTS + ECO_REQUESTS;
// The built-in simulated PRECISION model's list price (prisma/seed-catalog.json), micro-USD per token; ECO is free.
const SIM_PRECISION = { input: 3, output: 15 };
const PAGE_SIZE = 25;

type Totals = {
  revenue_micros: number;
  grants_micros: number;
  corrections_micros: number;
  charged_micros: number;
  provider_cost_micros: number;
  requests: number;
};
type Summary = { totals: Totals };

const today = new Date().toISOString().slice(0, 10);
const thisMonth = financePresetRange("this-month");
const lastMonth = financePresetRange("last-month");
const todayOnly = { from: today, to: today };

let admin: APIRequestContext;
let before: { month: Totals; today: Totals };
/** What each PRECISION request was charged, newest first. */
const charges: number[] = [];
let payerId = "";
/** A $6 purchase Stripe took whose webhook the double dropped: the ledger never heard of it. */
const MISSED = 6_000_000;
let missedSessionId = "";
const STRIPE_DOUBLE = `http://127.0.0.1:${process.env.E2E_STRIPE_PORT || 12111}`;
const doubleControl = (path: string) =>
  fetch(`${STRIPE_DOUBLE}/__double/${path}`, {
    method: "POST",
    headers: { authorization: "Bearer sk_test_switchyard_double" },
  });

async function totals(range: { from: string; to: string }): Promise<Totals> {
  const res = await admin.get(`/api/finance/summary?from=${range.from}&to=${range.to}`);
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as Summary).totals;
}

test.beforeAll(async ({}, info) => {
  test.setTimeout(180_000);
  const baseURL = info.project.use.baseURL!;
  expect(
    cli("user", "create", "--email", finance.email, "--password", finance.password, "--role", "FINANCE"),
  ).toContain(`created FINANCE ${finance.email}`);
  expect(cli("user", "create", "--email", payer.email, "--password", payer.password)).toContain(
    `created USER ${payer.email}`,
  );
  const adminKey = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "finance-spec")
    .trim()
    .split("\n")
    .at(-1)!;
  admin = await request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${adminKey}` } });
  before = { month: await totals(thisMonth), today: await totals(todayOnly) };

  const payerKey = cli("key", "create", "--email", payer.email, "--name", "finance-spec").trim().split("\n").at(-1)!;
  const gateway = await request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${payerKey}` } });
  try {
    // $10 through Stripe Checkout: the double's pay page delivers the signed webhook before it redirects.
    const checkout = await gateway.post("/api/credits/checkout", { data: { amount_usd: PURCHASE / 1_000_000 } });
    expect(checkout.status(), await checkout.text()).toBe(200);
    const { url } = (await checkout.json()) as { url: string };
    const paid = await gateway.post(url, { maxRedirects: 0 });
    expect(paid.status()).toBe(303);
    // $6 more, paid at Stripe, but its webhook never arrives (the double drops it).
    expect((await doubleControl("drop-next-webhook")).status).toBe(200);
    const missed = await gateway.post("/api/credits/checkout", { data: { amount_usd: MISSED / 1_000_000 } });
    expect(missed.status(), await missed.text()).toBe(200);
    const missedCheckout = (await missed.json()) as { url: string; session_id: string };
    missedSessionId = missedCheckout.session_id;
    expect((await gateway.post(missedCheckout.url, { maxRedirects: 0 })).status()).toBe(303);

    const users = (await (await admin.get(`/api/admin/users?q=${encodeURIComponent(payer.email)}`)).json()).data as {
      id: string;
      email: string;
    }[];
    payerId = users.find((u) => u.email === payer.email)!.id;
    for (const [amount, reason] of [
      [GRANT, "finance spec grant"],
      [CORRECTION, "finance spec correction"],
    ] as const) {
      const res = await admin.post(`/api/admin/users/${payerId}/credits`, {
        data: { amount_usd: amount / 1_000_000, reason },
      });
      expect(res.status(), await res.text()).toBe(201);
    }

    // Free ECO requests first, a few at a time, then the PRECISION ones (the newest rows).
    const ask = async (model: string, i: number) => {
      const res = await gateway.post("/api/v1/chat/completions", {
        data: { model, messages: [{ role: "user", content: `finance spec request ${i}` }] },
      });
      expect(res.status(), await res.text()).toBe(200);
      return (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    };
    for (let i = 0; i < ECO_REQUESTS; i += 6) {
      await Promise.all(
        Array.from({ length: Math.min(6, ECO_REQUESTS - i) }, (_, j) => ask("simulated/sim-eco", i + j)),
      );
    }
    for (let i = 0; i < PRECISION_REQUESTS; i++) {
      const { usage } = await ask("simulated/sim-precision", i);
      charges.unshift(usage.prompt_tokens * SIM_PRECISION.input + usage.completion_tokens * SIM_PRECISION.output);
    }
    expect(charges.every((c) => c > 0)).toBe(true);
  } finally {
    await gateway.dispose();
  }
  // A request is settled just after its last byte: wait until the books have all of them.
  await expect
    .poll(async () => (await totals(thisMonth)).requests, { timeout: 30_000 })
    .toBe(before.month.requests + REQUESTS);
});

test.afterAll(async () => {
  await admin?.dispose();
});

const charged = () => charges.reduce((a, b) => a + b, 0);

/** A titled card of the page (ui/primitives Card: a section with its title as heading). */
const card = (page: Page, title: string) =>
  page.getByRole("heading", { name: title, exact: true }).locator("xpath=ancestor::section[1]");

/** The big figure of one of the figure cards. */
const figure = (page: Page, label: string) =>
  page.getByRole("region", { name: label, exact: true }).locator("p").first();

async function openFinance(page: Page) {
  await signIn(page, finance.email, finance.password);
  await expectSignedInAs(page, finance.email);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Finance", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Finance" })).toBeVisible();
}

/** Points at a spot of a chart as a person does (its tooltip opens), then clicks there. */
async function pointAndClick(page: Page, chart: Locator, x: number, y: number) {
  await page.mouse.move(x, y);
  await expect(chart.locator(".recharts-tooltip-wrapper")).toBeVisible();
  await page.mouse.click(x, y);
}

/** Clicks a horizontal bar chart in the row of `label` (the chart opens the row's requests). */
async function clickChartRow(page: Page, chart: Locator, label: string) {
  const tick = chart
    .locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value")
    .filter({ hasText: new RegExp(`^${label}$`) });
  await tick.scrollIntoViewIfNeeded();
  const row = (await tick.boundingBox())!;
  const plot = (await chart.locator(".recharts-cartesian-grid").boundingBox())!;
  await pointAndClick(page, chart, plot.x + plot.width / 3, row.y + row.height / 2);
}

/** Clicks the first bar of a chart. */
async function clickFirstBar(page: Page, chart: Locator) {
  const bar = chart.locator(".recharts-bar-rectangle path").first();
  await bar.scrollIntoViewIfNeeded();
  const box = (await bar.boundingBox())!;
  await pointAndClick(page, chart, box.x + box.width / 2, box.y + box.height / 2);
}

/** A CSV file's rows (RFC 4180 quoting), header first. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

test("a finance user reads the range's money, changes the range, and the figures are what the spec created", async ({
  page,
}) => {
  await openFinance(page);
  // This month by default, written into the URL; every day is UTC and the page says so.
  await expect(page).toHaveURL(new RegExp(`/finance\\?from=${thisMonth.from}&to=${thisMonth.to}$`));
  const presets = page.getByRole("group", { name: "Date range" });
  await expect(presets.getByRole("button", { name: "This month" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("finance-range")).toContainText("All dates are UTC");

  const month = before.month;
  await expect(figure(page, "Revenue")).toHaveText(formatUsd(month.revenue_micros + PURCHASE));
  await expect(figure(page, "Credits granted")).toHaveText(formatUsd(month.grants_micros + GRANT));
  await expect(page.getByRole("region", { name: "Credits granted", exact: true })).toContainText(
    `Corrections: ${formatUsdSigned(month.corrections_micros + CORRECTION)}`,
  );
  await expect(figure(page, "Usage charged")).toHaveText(formatUsd(month.charged_micros + charged()));
  await expect(page.getByRole("region", { name: "Usage charged", exact: true })).toContainText(
    `${(month.requests + REQUESTS).toLocaleString("en-US")} requests`,
  );
  await expect(page.getByRole("region", { name: "Provider cost", exact: true })).toContainText(
    "zero for BYOK and local",
  );
  await expect(page.getByRole("region", { name: "Outstanding credit liability" })).toContainText("Unspent balances");

  // The charts: the daily one with its legend, the breakdowns naming the simulated provider and model.
  const byDay = card(page, "Revenue, provider cost and margin by day");
  await expect(byDay.locator("svg.recharts-surface").first()).toBeVisible();
  await expect(byDay.locator(".recharts-legend-wrapper")).toContainText("Revenue");
  await expect(byDay.locator(".recharts-legend-wrapper")).toContainText("Provider cost");
  await expect(byDay.locator(".recharts-legend-wrapper")).toContainText("Margin");
  expect(await byDay.locator(".recharts-bar-rectangle").count()).toBeGreaterThan(0);
  const byProvider = card(page, "By provider");
  await expect(byProvider.locator(".recharts-yAxis-tick-labels")).toContainText("simulated");
  await expect(byProvider.locator(".recharts-legend-wrapper")).toContainText("Usage charged");
  await expect(card(page, "By model").getByRole("table")).toContainText("simulated/sim-precision");
  await expect(card(page, "By power level").getByRole("table")).toContainText("PRECISION");
  // The top user table has the payer with exactly what their PRECISION requests cost.
  const payerRow = page.getByTestId("top-users-table").getByRole("row").filter({ hasText: payer.email });
  await expect(payerRow).toContainText(formatUsd(charged()));
  await expect(payerRow.getByRole("cell").nth(1)).toHaveText(String(REQUESTS));
  // Provider cost by token class adds up to the provider cost figure.
  const providerCost = await figure(page, "Provider cost").innerText();
  await expect(page.getByTestId("token-class-table").locator("tfoot")).toContainText(providerCost);
  await expect(card(page, "Savings vs PRECISION").locator(".recharts-legend-wrapper")).toContainText("At PRECISION");

  // The books: ledger charges and usage rows agree; finance reads reconciliation but repairs nothing.
  const chargesVsUsage = page.getByRole("article", { name: "Ledger charges vs usage log" });
  await expect(chargesVsUsage).toContainText("matches");
  await expect(chargesVsUsage).toContainText(formatUsd(month.charged_micros + charged()));
  await expect(page.getByRole("button", { name: /Credit this payment/ })).toHaveCount(0);

  // Last month: nothing this spec made, and the range survives a reload.
  await presets.getByRole("button", { name: "Last month" }).click();
  await expect(page).toHaveURL(new RegExp(`from=${lastMonth.from}&to=${lastMonth.to}`));
  await page.reload();
  await expect(presets.getByRole("button", { name: "Last month" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("finance-empty")).toContainText("No requests in this range");

  // Custom: today only.
  await presets.getByRole("button", { name: "Custom" }).click();
  await page.getByLabel("From", { exact: true }).fill(today);
  await page.getByLabel("To", { exact: true }).fill(today);
  await expect(page).toHaveURL(new RegExp(`from=${today}&to=${today}`));
  await expect(presets.getByRole("button", { name: "Custom" })).toHaveAttribute("aria-pressed", "true");
  await expect(figure(page, "Revenue")).toHaveText(formatUsd(before.today.revenue_micros + PURCHASE));
  await expect(figure(page, "Usage charged")).toHaveText(formatUsd(before.today.charged_micros + charged()));
  // A start after the end is refused where it is typed, and the page keeps the last good range.
  await page.getByLabel("From", { exact: true }).fill("2099-01-01");
  await expect(page.getByRole("alert").filter({ hasText: "The start must not be after the end." })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`from=${today}&to=${today}`));
});

test("clicking a day, a provider and a user opens the rows behind them, page by page", async ({ page }) => {
  await openFinance(page);
  await page.goto(`/finance?from=${today}&to=${today}`);
  const drill = page.getByTestId("drill-down");
  const rows = drill.getByTestId("finance-request-row");
  const filters = drill.getByTestId("drill-filter");

  // A provider's bar: its requests, newest first (the PRECISION ones, at exactly what they cost).
  await clickChartRow(page, card(page, "By provider"), "simulated");
  await expect(page).toHaveURL(/provider=simulated/);
  await expect(filters).toHaveCount(1);
  await expect(filters.first()).toContainText("Provider: simulated");
  await expect(rows.first()).toBeVisible();
  for (const r of await rows.getByTestId("request-provider-model").allInnerTexts()) expect(r).toMatch(/^simulated\//);
  const mine = rows.filter({ hasText: payer.email });
  for (let i = 0; i < PRECISION_REQUESTS; i++) {
    await expect(mine.nth(i)).toContainText("sim-precision");
    await expect(mine.nth(i).getByTestId("request-charged")).toHaveText(formatUsd(charges[i]!));
  }

  // A day's bar narrows the same rows to the day; each filter can be removed on its own.
  await clickFirstBar(page, card(page, "Revenue, provider cost and margin by day"));
  await expect(page).toHaveURL(new RegExp(`day=${today}&provider=simulated`));
  await expect(filters).toHaveCount(2);
  await expect(page.getByRole("heading", { name: /Where the money went on .* the day picked above/ })).toBeVisible();
  await drill.getByRole("button", { name: "Remove filter Provider: simulated" }).click();
  await expect(filters).toHaveCount(1);
  await expect(filters.first()).toContainText("Day:");
  // Within the day, the provider again: both filters.
  await page
    .getByTestId("by-provider-table")
    .getByRole("button", { name: "Show requests for provider simulated" })
    .click();
  await expect(filters).toHaveCount(2);
  await expect(mine.first()).toContainText("sim-precision");

  // Back to the overview, then one user: exactly their requests, 25 a page.
  await drill.getByRole("button", { name: "← Back to the overview" }).click();
  await expect(drill).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`/finance\\?from=${today}&to=${today}$`));
  await page
    .getByTestId("top-users-table")
    .getByRole("button", { name: `Show requests for user ${payer.email}` })
    .click();
  await expect(filters.first()).toContainText(`User: ${payer.email}`);
  await expect(page).toHaveURL(new RegExp(`user_id=${payerId}`));
  await expect(rows).toHaveCount(PAGE_SIZE);
  await expect(drill.getByText("Page 1")).toBeVisible();
  await drill.getByRole("button", { name: "Next page" }).click();
  await expect(drill.getByText("Page 2")).toBeVisible();
  await expect(rows).toHaveCount(REQUESTS - PAGE_SIZE);
  await expect(rows.first()).toContainText("sim-eco");
  await expect(drill.getByRole("button", { name: "Next page" })).toBeDisabled();
  await drill.getByRole("button", { name: "Previous page" }).click();
  await expect(rows).toHaveCount(PAGE_SIZE);

  // The drill-down is in the URL too: a reload opens the same rows; the browser's Back undoes it.
  await page.reload();
  await expect(filters.first()).toContainText(`User: ${payer.email}`);
  await expect(rows).toHaveCount(PAGE_SIZE);
  await page.goBack();
  await expect(drill).toHaveCount(0);
});

test("the CSV exports download the range's usage and purchases", async ({ page }) => {
  await openFinance(page);
  const exports = card(page, "Export");

  const [usage] = await Promise.all([
    page.waitForEvent("download"),
    exports.getByRole("link", { name: "Usage CSV" }).click(),
  ]);
  expect(usage.suggestedFilename()).toBe(`switchyard-usage-${thisMonth.from}-${thisMonth.to}.csv`);
  const [header, ...lines] = parseCsv(readFileSync((await usage.path())!, "utf8")).filter((r) => r.length > 1);
  for (const column of ["id", "created_at", "email", "provider", "model", "charged_micros", "provider_cost_micros"])
    expect(header).toContain(column);
  const col = (name: string) => header!.indexOf(name);
  const payerRows = lines.filter((r) => r[col("email")] === payer.email);
  expect(payerRows).toHaveLength(REQUESTS);
  const precision = payerRows.filter((r) => r[col("model")] === "simulated/sim-precision");
  expect(precision.map((r) => Number(r[col("charged_micros")])).sort()).toEqual([...charges].sort());
  expect(payerRows.every((r) => r[col("provider")] === "simulated")).toBe(true);

  const [purchases] = await Promise.all([
    page.waitForEvent("download"),
    exports.getByRole("link", { name: "Purchases CSV" }).click(),
  ]);
  expect(purchases.suggestedFilename()).toBe(`switchyard-purchases-${thisMonth.from}-${thisMonth.to}.csv`);
  const [pHeader, ...pLines] = parseCsv(readFileSync((await purchases.path())!, "utf8")).filter((r) => r.length > 1);
  const purchase = pLines.find((r) => r[pHeader!.indexOf("email")] === payer.email);
  expect(purchase?.[pHeader!.indexOf("type")]).toBe("PURCHASE");
  expect(Number(purchase?.[pHeader!.indexOf("amount_micros")])).toBe(PURCHASE);
});

test("only an admin can credit a payment Stripe took and the ledger missed, after confirming; the late webhook credits nothing", async ({
  page,
  browser,
  baseURL,
}) => {
  // Finance sees the row, with the ids on both sides and the problem, and no button.
  const financeContext = await browser.newContext({ baseURL });
  try {
    const financePage = await financeContext.newPage();
    await openFinance(financePage);
    const missed = financePage
      .getByRole("article", { name: "Purchases: ledger vs Stripe", exact: true })
      .getByTestId("reconciliation-row")
      .filter({ hasText: missedSessionId });
    await expect(missed).toContainText("never credited");
    await expect(missed).toContainText(formatUsd(MISSED));
    await expect(financePage.getByRole("button", { name: /Credit this payment/ })).toHaveCount(0);
  } finally {
    await financeContext.close();
  }

  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
  await page.goto("/finance");
  await expect(page.getByRole("heading", { level: 1, name: "Finance" })).toBeVisible();
  const comparison = page.getByRole("article", { name: "Purchases: ledger vs Stripe", exact: true });
  await expect(comparison.getByTestId("reconciliation-row").filter({ hasText: missedSessionId })).toContainText(
    "never credited",
  );
  await expect(figure(page, "Revenue")).toHaveText(formatUsd(before.month.revenue_micros + PURCHASE));
  await comparison.getByRole("button", { name: `Credit this payment: ${missedSessionId}` }).click();
  const dialog = page.getByRole("dialog", { name: "Credit this payment?" });
  await expect(dialog).toContainText(payer.email);
  await expect(dialog).toContainText(formatUsd(MISSED));
  // Cancel has the focus: a stray Enter credits nothing.
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  const [repair] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === "/api/finance/reconciliation/repair"),
    dialog.getByRole("button", { name: "Credit payment" }).click(),
  ]);
  // The session cookie's write passed the same-origin check; the repair asked Stripe and credited it.
  expect(repair.request().postDataJSON()).toEqual({ session_id: missedSessionId });
  expect(repair.status(), await repair.text()).toBe(200);
  expect(await repair.json()).toMatchObject({ credited: true, duplicate: false, amount_micros: MISSED });
  await expect(dialog).toHaveCount(0);
  await expect(comparison.getByTestId("reconciliation-row").filter({ hasText: missedSessionId })).toHaveCount(0);
  await expect(figure(page, "Revenue")).toHaveText(formatUsd(before.month.revenue_micros + PURCHASE + MISSED));

  // Stripe retries: the dropped webhook arrives after all and credits nothing more.
  const late = await doubleControl("deliver-dropped");
  expect(((await late.json()) as { delivered: number[] }).delivered).toEqual([200]);
  expect((await totals(thisMonth)).revenue_micros).toBe(before.month.revenue_micros + PURCHASE + MISSED);
  const balance = await admin.get(`/api/admin/users?q=${encodeURIComponent(payer.email)}`);
  const row = ((await balance.json()) as { data: { email: string; balance_usd: number }[] }).data.find(
    (u) => u.email === payer.email,
  )!;
  expect(Math.round(row.balance_usd * 1_000_000)).toBe(PURCHASE + MISSED + GRANT + CORRECTION - charged());
});

test("a user gets no Finance link and is refused at /finance and by the finance API", async ({ page }) => {
  await signIn(page, payer.email, payer.password);
  await expectSignedInAs(page, payer.email);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Usage", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Finance", exact: true })).toHaveCount(0);

  await page.goto("/finance");
  await expect(page.getByRole("heading", { name: "You do not have access to that page" })).toBeVisible();
  const res = await page.request.get("/api/finance/summary");
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe("forbidden");
});
