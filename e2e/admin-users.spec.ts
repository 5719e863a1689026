import { expect, request, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { cli, expectSignedInAs, signIn } from "./helpers";

// The Users page an admin works in: nothing that takes access away happens on one click, an admin
// demoting themselves is told they lose admin access and lands somewhere they can still see, the
// list is searched, filtered and paged on the server, and long emails never push the actions off
// the screen.
const stamp = Date.now();
const self = { email: `self-admin-${stamp}@e2e.test`, password: "self-admin-password-1" };
const target = { email: `target-${stamp}@e2e.test`, password: "target-password-1" };
const marker = `pager-${stamp}`;
const PAGED = 27; // one more than a page and a bit: page two is not empty
const FINANCE_PAGED = 3;
// 250 characters and not one place to break a line at.
const LONG_EMAIL = `${"l".repeat(250 - `@${stamp}.e2e.test`.length - 1)}x@${stamp}.e2e.test`;

let admin: APIRequestContext;

type Listed = { id: string; email: string; role: string; disabled: boolean };

async function listed(email: string): Promise<Listed> {
  const res = await admin.get(`/api/admin/users?q=${encodeURIComponent(email)}`);
  const found = ((await res.json()).data as Listed[]).find((u) => u.email === email);
  expect(found, email).toBeDefined();
  return found!;
}

async function createUser(email: string, role = "USER") {
  const res = await admin.post("/api/admin/users", { data: { email, password: "listed-password-1", role } });
  expect(res.status(), await res.text()).toBe(201);
}

test.beforeAll(async ({}, info) => {
  test.setTimeout(180_000);
  expect(LONG_EMAIL).toHaveLength(250);
  expect(cli("user", "create", "--email", self.email, "--password", self.password, "--role", "ADMIN")).toContain(
    `created ADMIN ${self.email}`,
  );
  const key = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "admin-users-spec").trim().split("\n").at(-1)!;
  admin = await request.newContext({
    baseURL: info.project.use.baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${key}` },
  });
  await createUser(target.email);
  await createUser(LONG_EMAIL);
  for (let i = 0; i < PAGED; i++)
    await createUser(`${marker}-${String(i).padStart(2, "0")}@e2e.test`, i < FINANCE_PAGED ? "FINANCE" : "USER");
});

test.afterAll(async () => {
  await admin?.dispose();
});

async function openUsers(page: Page, search?: string) {
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  if (search) await searchFor(page, search);
}

/** Types a search and waits for the server's answer to it (the box waits for typing to pause). */
async function searchFor(page: Page, search: string) {
  const answered = page.waitForResponse(
    (res) => res.url().includes("/api/admin/users?") && new URL(res.url()).searchParams.get("q") === search && res.ok(),
  );
  await page.getByLabel("Search by email").fill(search);
  await answered;
}

const usersTable = (page: Page) => page.getByRole("table", { name: "Users" });
const rowOf = (page: Page, email: string) =>
  usersTable(page)
    .getByRole("row")
    .filter({ has: page.getByRole("cell", { name: email, exact: true }) });

test.describe("changing roles and disabling ask first", () => {
  test("demoting yourself asks, saying you lose admin access; cancel keeps you ADMIN", async ({ page }) => {
    await signIn(page, self.email, self.password);
    await expectSignedInAs(page, self.email);
    await openUsers(page, self.email);
    const role = page.getByLabel(`Role of ${self.email}`);
    await expect(role).toHaveValue("ADMIN");

    await role.selectOption("USER");
    const dialog = page.getByRole("dialog", { name: "Remove your own admin access?" });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("You will lose admin access");
    // Nothing was saved by choosing in the select.
    expect((await listed(self.email)).role).toBe("ADMIN");

    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toHaveCount(0);
    await expect(role).toHaveValue("ADMIN");
    // Escape is a cancel too.
    await role.selectOption("FINANCE");
    await expect(page.getByRole("dialog", { name: "Remove your own admin access?" })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(role).toHaveValue("ADMIN");
    await page.reload();
    await searchFor(page, self.email);
    await expect(page.getByLabel(`Role of ${self.email}`)).toHaveValue("ADMIN");
    expect((await listed(self.email)).role).toBe("ADMIN");
  });

  test("confirming with a second admin present demotes you and lands on a page you can still see", async ({ page }) => {
    await signIn(page, self.email, self.password);
    await expectSignedInAs(page, self.email);
    await openUsers(page, self.email);
    await page.getByLabel(`Role of ${self.email}`).selectOption("USER");
    await page
      .getByRole("dialog", { name: "Remove your own admin access?" })
      .getByRole("button", { name: "Yes, make me USER" })
      .click();

    await expect(page).toHaveURL(/\/account\b/);
    await expect(page.getByRole("heading", { level: 1, name: "Account" })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Your role is now USER" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);
    await expectSignedInAs(page, self.email);
    expect((await listed(self.email)).role).toBe("USER");
  });

  test("changing someone's role asks, and says what happened", async ({ page }) => {
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    await expectSignedInAs(page, E2E_ADMIN.email);
    await openUsers(page, target.email);
    const role = page.getByLabel(`Role of ${target.email}`);
    await role.selectOption("FINANCE");
    const dialog = page.getByRole("dialog", { name: "Change role?" });
    await expect(dialog).toContainText(`Change ${target.email} from USER to FINANCE?`);
    expect((await listed(target.email)).role).toBe("USER");
    await dialog.getByRole("button", { name: "Make FINANCE" }).click();
    await expect(page.getByRole("status").filter({ hasText: `${target.email} is now FINANCE.` })).toBeVisible();
    await expect(role).toHaveValue("FINANCE");
    expect((await listed(target.email)).role).toBe("FINANCE");
  });

  test("disable asks first and says what happened; enable needs no confirmation", async ({ page }) => {
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    await expectSignedInAs(page, E2E_ADMIN.email);
    await openUsers(page, target.email);
    const row = rowOf(page, target.email);

    await row.getByRole("button", { name: "Disable", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Disable user?" });
    await expect(dialog).toContainText(`Disable ${target.email}?`);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toHaveCount(0);
    expect((await listed(target.email)).disabled).toBe(false);

    await row.getByRole("button", { name: "Disable", exact: true }).click();
    await dialog.getByRole("button", { name: "Disable", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: `${target.email} disabled` })).toBeVisible();
    await expect(row.getByText("disabled", { exact: true })).toBeVisible();
    expect((await listed(target.email)).disabled).toBe(true);

    await row.getByRole("button", { name: "Enable", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: `${target.email} enabled` })).toBeVisible();
    expect((await listed(target.email)).disabled).toBe(false);
  });
});

test("the list is searched, filtered by role and paged on the server", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
  await openUsers(page, marker.toUpperCase());
  const rows = usersTable(page).getByRole("row").filter({ hasText: marker });
  const pager = page.getByRole("navigation", { name: "Pages of users" });

  await expect(rows).toHaveCount(25);
  await expect(pager).toContainText("Page 1");
  await expect(pager.getByRole("button", { name: "Previous" })).toBeDisabled();
  const firstPage = await rows.allInnerTexts();
  await pager.getByRole("button", { name: "Next" }).click();
  await expect(pager).toContainText("Page 2");
  await expect(rows).toHaveCount(PAGED - 25);
  await expect(pager.getByRole("button", { name: "Next" })).toBeDisabled();
  // Newest first; together the two pages are every matching user, once.
  const emails = [...firstPage, ...(await rows.allInnerTexts())].map((t) => /pager-\d+-\d+@e2e\.test/.exec(t)![0]);
  expect(emails).toEqual(
    Array.from({ length: PAGED }, (_, i) => `${marker}-${String(PAGED - 1 - i).padStart(2, "0")}@e2e.test`),
  );
  await pager.getByRole("button", { name: "Previous" }).click();
  await expect(pager).toContainText("Page 1");
  await expect(rows).toHaveCount(25);

  // A filter starts again at page one.
  await page.getByLabel("Filter by role").selectOption("FINANCE");
  await expect(rows).toHaveCount(FINANCE_PAGED);
  await expect(pager).toContainText("Page 1");
  for (const select of await rows.getByRole("combobox").all()) await expect(select).toHaveValue("FINANCE");

  await searchFor(page, `no-such-user-${stamp}`);
  await expect(page.getByText("No user matches this search.")).toBeVisible();
});

test("the list shows balance, this month's spend and last activity", async ({ page }) => {
  const user = await listed(`${marker}-05@e2e.test`);
  expect(
    (
      await admin.post(`/api/admin/users/${user.id}/credits`, {
        data: { amount_usd: 3.000007, reason: "admin-users spec" },
      })
    ).status(),
  ).toBe(201);
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
  await openUsers(page, user.email);
  const table = usersTable(page);
  for (const header of ["Balance", "This month", "Last active"])
    await expect(table.getByRole("columnheader", { name: header })).toBeVisible();
  const row = rowOf(page, user.email);
  await expect(row.getByRole("cell", { name: "$3.000007" })).toBeVisible();
  await expect(row.getByRole("cell", { name: "never" })).toBeVisible();
});

async function pageWidth(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** The element lies inside the viewport horizontally, with no scrolling of the page. */
async function expectOnScreen(page: Page, what: string, locator: ReturnType<Page["locator"]>) {
  await expect(locator, what).toBeVisible();
  const box = await locator.boundingBox();
  const width = page.viewportSize()!.width;
  expect(box, what).not.toBeNull();
  expect(box!.x, what).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, what).toBeLessThanOrEqual(width + 0.5);
}

for (const viewport of [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
]) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("a 250-character email keeps the page inside the screen and its actions reachable", async ({ page }) => {
      await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
      await expectSignedInAs(page, E2E_ADMIN.email);
      await openUsers(page, LONG_EMAIL.slice(0, 40));
      const row = rowOf(page, LONG_EMAIL);
      await expect(row).toHaveCount(1);
      await page.waitForLoadState("networkidle");
      expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);

      // Cut short on screen, whole on hover.
      await expect(row.getByTitle(LONG_EMAIL)).toBeVisible();
      await expectOnScreen(page, "Disable", row.getByRole("button", { name: "Disable", exact: true }));
      await expectOnScreen(page, "Credits", row.getByRole("button", { name: "Credits", exact: true }));
      // The other users' actions, too.
      for (const button of await usersTable(page)
        .getByRole("button", { name: /^(Disable|Enable)$/ })
        .all())
        await expectOnScreen(page, "action", button);

      // The confirmation wraps the email rather than widening the dialog.
      await row.getByRole("button", { name: "Disable", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "Disable user?" });
      await expect(dialog).toContainText(LONG_EMAIL);
      await expectOnScreen(page, "dialog", dialog);
      await expectOnScreen(page, "confirm", dialog.getByRole("button", { name: "Disable", exact: true }));
      expect(await dialog.evaluate((d) => d.scrollWidth - d.clientWidth)).toBeLessThanOrEqual(0);
      await dialog.getByRole("button", { name: "Cancel" }).click();
      expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
    });
  });
}
