import { expect, request, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { cli, expectSignedInAs, signIn } from "./helpers";

// Things people notice within a minute of using the app: a browser tab without an icon (and a 404
// in the console on every page), an unknown URL that drops them out of the app, a Models page that
// never says more models are a key away, provider filters that show slugs, and a conversation
// that forgets the power level it was held at.
const stamp = Date.now();
const user = { email: `small-things-${stamp}@e2e.test`, password: "small-things-password-1" };

type AdminProvider = {
  id: string;
  slug: string;
  name: string;
  enabled: boolean;
  requires_key: boolean;
  has_api_key: boolean;
};
type AdminModel = { provider: string; enabled: boolean };

let admin: APIRequestContext;

test.beforeAll(async ({}, info) => {
  expect(cli("user", "create", "--email", user.email, "--password", user.password)).toContain(
    `created USER ${user.email}`,
  );
  const key = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "small-things").trim().split("\n").at(-1)!;
  admin = await request.newContext({
    baseURL: info.project.use.baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${key}` },
  });
});

test.afterAll(async () => {
  await admin?.dispose();
});

/** Models a user without keys of their own cannot use until they add one: per provider slug. */
async function lockedModelsByProvider(): Promise<Map<string, { name: string; count: number }>> {
  const providers = (await (await admin.get("/api/admin/providers")).json()).data as AdminProvider[];
  const models = (await (await admin.get("/api/admin/models")).json()).data as AdminModel[];
  const locked = new Map<string, { name: string; count: number }>();
  for (const p of providers.filter((p) => p.enabled && p.requires_key && !p.has_api_key)) {
    const count = models.filter((m) => m.enabled && m.provider === p.slug).length;
    if (count > 0) locked.set(p.slug, { name: p.name, count });
  }
  return locked;
}

test("every page has an icon and /chat loads without a single 404", async ({ page }) => {
  const failures: string[] = [];
  page.on("response", (res) => {
    if (res.status() >= 400) failures.push(`${res.status()} ${res.url()}`);
  });
  page.on("console", (msg) => {
    if (msg.type() === "error" && /404|not found/i.test(msg.text())) failures.push(`console: ${msg.text()}`);
  });
  await signIn(page, user.email, user.password);
  await expectSignedInAs(page, user.email);
  await page.goto("/chat");
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();

  const icon = page.locator('link[rel="icon"]').first();
  await expect(icon).toHaveCount(1);
  const href = await icon.getAttribute("href");
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/^image\//);
  // Browsers and bookmark tools still ask for /favicon.ico by name.
  const ico = await page.request.get("/favicon.ico");
  expect(ico.status()).toBe(200);
  expect(ico.headers()["content-type"]).toMatch(/^image\//);

  await page.waitForLoadState("networkidle");
  expect(failures).toEqual([]);
});

test("an unknown URL keeps a signed-in user in the app; signed out it offers the sign-in page", async ({
  page,
  browser,
}) => {
  await signIn(page, user.email, user.password);
  await expectSignedInAs(page, user.email);
  const res = await page.goto("/no-such-page/at-all");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expect(page.getByText("/no-such-page/at-all")).toBeVisible();
  // The shell: main navigation, balance and account are all there, so nobody is stranded.
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Models", exact: true })).toBeVisible();
  await expect(page.getByTestId("balance-widget")).toBeVisible();
  await expectSignedInAs(page, user.email);
  await page.getByRole("main").getByRole("link", { name: "Open the chat" }).click();
  await expect(page).toHaveURL(/\/chat$/);

  const anonymous = await browser.newContext();
  const anon = await anonymous.newPage();
  const anonRes = await anon.goto("/no-such-page/at-all");
  expect(anonRes?.status()).toBe(404);
  await expect(anon.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expect(anon.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  await anon.getByRole("link", { name: "Sign in" }).click();
  await expect(anon).toHaveURL(/\/login$/);
  await anonymous.close();
});

test("the Models page says how many models a key of your own would unlock, and filters by provider name", async ({
  page,
}) => {
  const locked = await lockedModelsByProvider();
  const total = [...locked.values()].reduce((n, p) => n + p.count, 0);
  expect(total).toBeGreaterThan(1);

  await signIn(page, user.email, user.password);
  await expectSignedInAs(page, user.email);
  await page.goto("/models");
  const note = page.getByTestId("locked-models");
  await expect(note).toContainText(`${total} models need a provider key`);
  await expect(note.getByRole("link", { name: "Keys page" })).toHaveAttribute("href", "/keys");

  // The provider filter lists providers by name; its values stay slugs.
  const filter = page.getByLabel("Provider", { exact: true });
  await expect(filter.getByRole("option", { name: "Simulated (built-in)", exact: true })).toHaveCount(1);
  await expect(filter.getByRole("option", { name: "simulated", exact: true })).toHaveCount(0);
  await filter.selectOption({ label: "Simulated (built-in)" });
  const ids = page.getByRole("table", { name: "Models" }).locator("tbody .font-mono");
  await expect(ids.first()).toHaveText(/^simulated\//);
  for (const id of await ids.allInnerTexts()) expect(id).toMatch(/^simulated\//);

  // A key of their own for one provider unlocks exactly that provider's models. The seed's real
  // providers cannot be reached offline to check the key, so it is kept unverified (as the Keys
  // page lets a user choose); an unverified key is used like any other.
  const [slug, provider] = [...locked.entries()].sort(([, a], [, b]) => b.count - a.count)[0]!;
  const added = await page.request.post("/api/byok", {
    headers: { Origin: new URL(page.url()).origin },
    data: { provider: slug, api_key: `sk-small-things-${stamp}-not-real`, save_unverified: true },
  });
  expect(added.status(), await added.text()).toBeLessThan(300);
  try {
    await page.reload();
    const left = total - provider.count;
    await expect(note).toContainText(`${left} ${left === 1 ? "model needs" : "models need"} a provider key`);
    await expect(filter.getByRole("option", { name: provider.name, exact: true })).toHaveCount(1);
  } finally {
    const keys = (await (await page.request.get("/api/byok")).json()).data as { id: string }[];
    for (const k of keys)
      await page.request.delete(`/api/byok/${k.id}`, { headers: { Origin: new URL(page.url()).origin } });
  }
});

test("a reopened conversation keeps the power level it was held at", async ({ page }) => {
  await signIn(page, user.email, user.password);
  await expectSignedInAs(page, user.email);
  await page.goto("/chat");
  const level = (name: string) => page.getByRole("button", { name, exact: true });
  await expect(level("BALANCED")).toHaveAttribute("aria-pressed", "true");

  await level("PRECISION").click();
  await expect(level("PRECISION")).toHaveAttribute("aria-pressed", "true");
  const prompt = `Remember my level ${stamp}`;
  await page.getByLabel("Message").fill(prompt);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("assistant-message")).toContainText("Simulated reply");
  await expect(page.getByTestId("reply-meta")).toBeVisible();
  await expect(page).toHaveURL(/\/chat\?c=/);

  // A reload (a new visit to the same conversation) comes back at PRECISION.
  await page.reload();
  await expect(page.getByTestId("user-message")).toHaveText(prompt);
  await expect(level("PRECISION")).toHaveAttribute("aria-pressed", "true");

  // A new chat starts at the user's default; reopening the conversation brings PRECISION back.
  const conversations = page.getByRole("navigation", { name: "Conversations" });
  await conversations.getByRole("button", { name: "New chat" }).click();
  await expect(level("BALANCED")).toHaveAttribute("aria-pressed", "true");
  await conversations.getByRole("button", { name: prompt }).click();
  await expect(page.getByTestId("user-message")).toHaveText(prompt);
  await expect(level("PRECISION")).toHaveAttribute("aria-pressed", "true");

  // Changed on a reopened conversation, the level sticks to it too.
  await level("ECO").click();
  await expect(level("ECO")).toHaveAttribute("aria-pressed", "true");
  await expect
    .poll(async () => {
      const list = (await (await page.request.get("/api/conversations")).json()).data as {
        title: string;
        power_level: string | null;
      }[];
      return list.find((c) => c.title === prompt)?.power_level;
    })
    .toBe("ECO");
  await page.reload();
  await expect(level("ECO")).toHaveAttribute("aria-pressed", "true");
});
