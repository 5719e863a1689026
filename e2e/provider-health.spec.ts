import { expect, request, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN, E2E_MOCK_UPSTREAM } from "../playwright.config";
import { cli, expectSignedInAs, signIn } from "./helpers";

// P9: the admin's provider cards are live. A provider whose upstream (the e2e mock) starts failing
// turns red and moves to the top of the page, and turns green again once the upstream recovers —
// without a reload. The app checks providers every SWITCHYARD_HEALTH_CHECK_INTERVAL_MS
// (playwright.config.ts) and the page polls every few seconds.
const stamp = Date.now();
const provider = { slug: `e2e-health-${stamp}`, name: `Health Watch ${stamp}` };
const mockUrl = `http://127.0.0.1:${E2E_MOCK_UPSTREAM.port}`;

let admin: APIRequestContext;
let providerId = "";

async function mock(control: "behavior" | "reset", behavior?: object) {
  const ctx = await request.newContext();
  const res = await ctx.post(`${mockUrl}/__double/${control}`, { data: behavior ?? {} });
  expect(res.status(), await res.text()).toBe(200);
  await ctx.dispose();
}

test.beforeAll(async ({}, info) => {
  const key = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "health-spec").trim().split("\n").at(-1)!;
  admin = await request.newContext({
    baseURL: info.project.use.baseURL!,
    extraHTTPHeaders: { Authorization: `Bearer ${key}` },
  });
  // Top priority, so among the cards that are down it comes first.
  const res = await admin.post("/api/admin/providers", {
    data: {
      slug: provider.slug,
      name: provider.name,
      kind: "openai-compatible",
      base_url: `${mockUrl}/v1`,
      api_key: E2E_MOCK_UPSTREAM.acceptedKey,
      priority: 1000,
      region: "us",
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  providerId = (await res.json()).id;
});

test.afterAll(async () => {
  await mock("reset").catch(() => undefined);
  if (providerId) await admin.delete(`/api/admin/providers/${providerId}`);
  await admin.dispose();
});

test("an admin watches a provider go down when its upstream fails and recover, without reloading", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
  await page.goto("/admin/providers");
  // Marks this document: a reload or navigation would drop it.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  const card = page.getByRole("article", { name: provider.name, exact: true });
  const state = card.getByTestId("health-state");
  await expect(state).toHaveAttribute("data-state", "healthy");
  await expect(state).toHaveText("healthy");
  await expect(card.getByTestId("last-check")).toContainText("model list answered");
  // The legend says what the colours mean, in the badges' words.
  const legend = page.getByRole("group").filter({ hasText: "What the states mean" }).first();
  await expect(legend).toContainText("circuit open");
  await expect(legend).toContainText("unconfigured");

  await mock("behavior", { status: 503, modelListStatus: 503, errorMessage: "upstream overloaded" });
  await expect(state).toHaveAttribute("data-state", /^(down|circuit_open)$/, { timeout: 20_000 });
  await expect(state).toHaveText(/^(down|circuit open)$/);
  await expect(card.getByTestId("last-check")).toContainText("failed (503)");
  // Worst first: it is now the first card on the page.
  await expect(page.getByRole("article").first()).toHaveAttribute("aria-label", provider.name);

  await mock("reset");
  await expect(state).toHaveAttribute("data-state", "healthy", { timeout: 20_000 });
  await expect(state).toHaveText("healthy");
  await expect(card.getByTestId("last-check")).toContainText("model list answered");

  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // The detail page: its history chart, the legend, and the failed checks are not requests.
  await card.getByRole("link", { name: `Health history and requests of ${provider.name}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Provider health" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: new RegExp(provider.name) })).toBeVisible();
  await expect(page.getByTestId("health-state")).toHaveText("healthy");
  await expect(page.getByText("No requests yet.")).toBeVisible();
  await expect(page.getByText("What the states mean")).toBeVisible();
});
