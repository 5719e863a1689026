import { expect, request, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { startMockUpstream, type MockUpstream } from "../tests/doubles/mock-upstream";
import { cli, expectSignedInAs, signIn } from "./helpers";

// Real catalogs have long names: here three providers of 61 characters each, two of them named
// exactly alike and one without a single space to break at, each with a long-named model that
// has served a request (so usage charts carry the names too). On a 390 px phone no page may be
// wider than the screen, and the rule editor must tell the look-alikes apart.
const stamp = Date.now();
const layoutAdmin = { email: `layout-${stamp}@e2e.test`, password: "layout-password-1" };
const ALIKE = "Northwind Cognitive Inference Services Europe West Primary 01";
const UNBROKEN = "NorthwindCognitiveInferenceServicesEuropeWestPrimaryEndpoint1";
const providers = [
  { slug: `nw-${stamp}-a`, name: ALIKE },
  { slug: `nw-${stamp}-b`, name: ALIKE },
  { slug: `nw-${stamp}-c`, name: UNBROKEN },
];
const MODEL_NAME = "Northwind Frontier Reasoning Model Extended Context Preview 0413";
const ruleName = `Prefer the Northwind look-alikes ${stamp}`;
const PAGES = [
  "/chat",
  "/models",
  "/keys",
  "/credits",
  "/usage",
  "/settings",
  "/finance",
  "/admin/providers",
  "/admin/routing",
];

let admin: APIRequestContext;
let mock: MockUpstream;

test.beforeAll(async ({}, info) => {
  test.setTimeout(120_000);
  expect(
    cli("user", "create", "--email", layoutAdmin.email, "--password", layoutAdmin.password, "--role", "ADMIN"),
  ).toContain(`created ADMIN ${layoutAdmin.email}`);
  const key = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "layout").trim().split("\n").at(-1)!;
  admin = await request.newContext({
    baseURL: info.project.use.baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${key}` },
  });
  mock = await startMockUpstream();
  for (const p of providers) {
    // Keyless and last in priority: usable by everyone while the spec runs, picked by nobody's auto.
    const created = await admin.post("/api/admin/providers", {
      data: {
        ...p,
        kind: "openai-compatible",
        base_url: `${mock.url}/v1`,
        requires_key: false,
        priority: 0,
        region: "eu",
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const model = await admin.post("/api/admin/models", {
      data: {
        provider: p.slug,
        upstream_id: "mock-small",
        name: MODEL_NAME,
        power_level: "ECO",
        input_per_1m: 1,
        output_per_1m: 2,
        latency_ms: 100,
        quality: 1,
        context_tokens: 8192,
        capabilities: ["chat"],
      },
    });
    expect(model.status(), await model.text()).toBe(201);
  }
  // Inactive, so it changes no other spec's routing; its card still lists the long slugs.
  const rule = await admin.post("/api/admin/routing-rules", {
    data: {
      name: ruleName,
      priority: 5,
      active: false,
      conditions: {},
      actions: { prefer_providers: providers.map((p) => p.slug) },
    },
  });
  expect(rule.status(), await rule.text()).toBe(201);

  const users = (await (await admin.get(`/api/admin/users?q=${encodeURIComponent(layoutAdmin.email)}`)).json())
    .data as { id: string; email: string }[];
  const id = users.find((u) => u.email === layoutAdmin.email)!.id;
  expect(
    (await admin.post(`/api/admin/users/${id}/credits`, { data: { amount_usd: 1, reason: "layout spec" } })).status(),
  ).toBe(201);
  const own = cli("key", "create", "--email", layoutAdmin.email, "--name", "layout").trim().split("\n").at(-1)!;
  const gateway = await request.newContext({
    baseURL: info.project.use.baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${own}` },
  });
  for (const p of providers) {
    const res = await gateway.post("/api/v1/chat/completions", {
      data: { model: `${p.slug}/mock-small`, messages: [{ role: "user", content: "hello there" }] },
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  await gateway.dispose();
});

test.afterAll(async () => {
  const rules = ((await (await admin.get("/api/admin/routing-rules")).json()).data ?? []) as {
    id: string;
    name: string;
  }[];
  for (const r of rules.filter((r) => r.name === ruleName)) await admin.delete(`/api/admin/routing-rules/${r.id}`);
  const list = ((await (await admin.get("/api/admin/providers")).json()).data ?? []) as { id: string; slug: string }[];
  for (const p of list.filter((p) => providers.some((q) => q.slug === p.slug)))
    await admin.delete(`/api/admin/providers/${p.id}`);
  await admin?.dispose();
  await mock?.close();
});

/** Loads a page and waits until its data is on screen (no request in flight). */
async function visit(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.waitForLoadState("networkidle");
}

async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** The element's box lies within the viewport horizontally. */
async function expectInsideViewport(page: Page, what: string, box: { x: number; width: number } | null) {
  const width = page.viewportSize()!.width;
  expect(box, what).not.toBeNull();
  expect(box!.x, what).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, what).toBeLessThanOrEqual(width + 0.5);
}

/** Opens the rule editor and checks the provider checkboxes: one per provider, told apart by slug. */
async function checkRuleEditor(page: Page) {
  await page.getByRole("button", { name: "Add rule" }).click();
  const dialog = page.getByRole("dialog", { name: "Add rule" });
  await expect(dialog).toBeVisible();
  await expectInsideViewport(page, "rule dialog", await dialog.boundingBox());
  // Nothing in it scrolls sideways either (its body scrolls, so overflow would hide there).
  const sideways = await dialog.evaluate((d) =>
    [d, ...d.querySelectorAll("*")]
      .filter(
        (el) => el.scrollWidth > el.clientWidth + 1 && ["auto", "scroll"].includes(getComputedStyle(el).overflowX),
      )
      .map((el) => el.tagName),
  );
  expect(sideways, "rule dialog scrolls sideways").toEqual([]);
  const prefer = dialog.getByRole("group", { name: "Prefer providers" });
  for (const p of providers) {
    const named = { name: new RegExp(`${p.slug}\\b`) };
    const box = prefer.getByRole("checkbox", named);
    await expect(box, p.slug).toHaveCount(1);
    await expectInsideViewport(page, `${p.slug} checkbox`, await box.boundingBox());
    // The whole name is one hover away however it is cut.
    await expect(prefer.locator("label").filter({ has: page.getByRole("checkbox", named) })).toHaveAttribute(
      "title",
      `${p.name} (${p.slug})`,
    );
  }
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toHaveCount(0);
}

/** Every page of PAGES wider than the viewport, with its width. */
async function tooWidePages(page: Page): Promise<string[]> {
  const limit = page.viewportSize()!.width;
  const tooWide: string[] = [];
  for (const path of PAGES) {
    await visit(page, path);
    const width = await pageWidth(page);
    if (width > limit) tooWide.push(`${path}: ${width}px`);
  }
  return tooWide;
}

test.describe("on a 390 px phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("no page is wider than the screen, with 61-character provider names", async ({ page }) => {
    test.setTimeout(180_000);
    await signIn(page, layoutAdmin.email, layoutAdmin.password);
    await expectSignedInAs(page, layoutAdmin.email);
    expect(await tooWidePages(page)).toEqual([]);

    // Every provider card, and every action in it, fits on the screen.
    await visit(page, "/admin/providers");
    for (const p of providers) {
      const card = page.getByRole("article").filter({ hasText: p.slug });
      await expectInsideViewport(page, `${p.slug} card`, await card.boundingBox());
      await expectInsideViewport(
        page,
        `${p.slug} delete`,
        await card.getByRole("button", { name: "Delete" }).boundingBox(),
      );
    }
    // The model catalog's rows keep their actions on screen.
    const row = page.getByRole("row", { name: `${providers[2]!.slug}/mock-small`, exact: true });
    await expectInsideViewport(
      page,
      "model Edit action",
      await row.getByRole("button", { name: `Edit ${providers[2]!.slug}/mock-small` }).boundingBox(),
    );

    await visit(page, "/admin/routing");
    await expectInsideViewport(page, "rule card", await page.getByRole("article", { name: ruleName }).boundingBox());
    await checkRuleEditor(page);
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
  });
});

test.describe("on a 1280 px screen", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("pages fit, and look-alike providers are told apart by slug", async ({ page }) => {
    test.setTimeout(180_000);
    await signIn(page, layoutAdmin.email, layoutAdmin.password);
    await expectSignedInAs(page, layoutAdmin.email);
    expect(await tooWidePages(page)).toEqual([]);

    await visit(page, "/admin/routing");
    await checkRuleEditor(page);

    // The Models page's provider filter tells the look-alikes apart too.
    await visit(page, "/models");
    const filter = page.getByLabel("Provider", { exact: true });
    // Names that collide carry their slug; a unique name stands alone.
    for (const p of providers.slice(0, 2))
      await expect(filter.getByRole("option", { name: `${p.name} (${p.slug})`, exact: true })).toHaveCount(1);
    await expect(filter.getByRole("option", { name: UNBROKEN, exact: true })).toHaveCount(1);
  });
});
