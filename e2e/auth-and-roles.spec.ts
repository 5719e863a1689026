import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { cli, expectSignedInAs, signIn } from "./helpers";

const user = { email: `user-${Date.now()}@e2e.test`, password: "user-password-1" };

test.beforeAll(() => {
  expect(cli("user", "create", "--email", user.email, "--password", user.password)).toContain(`created USER ${user.email}`);
});

test("admin signs in and sees the admin navigation", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
  await nav.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await expect(page.getByRole("cell", { name: user.email })).toBeVisible();
});

test("a user sees no admin page and the admin API refuses them with 403", async ({ page }) => {
  await signIn(page, user.email, user.password);
  await expectSignedInAs(page, user.email);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Keys" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);

  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "You do not have access to that page" })).toBeVisible();

  const res = await page.request.get("/api/admin/users");
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe("forbidden");
  expect((await page.request.get("/api/me")).status()).toBe(200);
});

test("a wrong password is refused", async ({ page }) => {
  await signIn(page, user.email, "not-the-password");
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/login/);
  expect((await page.request.get("/api/me")).status()).toBe(401);
});

test("a visitor signs up, creates a gateway key shown once, and the key authenticates", async ({ page, request }) => {
  const email = `signup-${Date.now()}@e2e.test`;
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("signup-password-1");
  await page.getByRole("button", { name: "Create account" }).click();
  await expectSignedInAs(page, email);

  await page.goto("/keys");
  await page.getByLabel("Name").fill("e2e key");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-key").textContent())!.trim();
  expect(key).toMatch(/^sk-sy-/);
  await expect(page.getByRole("cell", { name: "e2e key" })).toBeVisible();

  const me = await request.get("/api/me", { headers: { Authorization: `Bearer ${key}` } });
  expect(await me.json()).toMatchObject({ email, role: "USER" });

  await page.reload();
  await expect(page.getByTestId("new-key")).toHaveCount(0);
  await page.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByText("revoked")).toBeVisible();
  expect((await request.get("/api/me", { headers: { Authorization: `Bearer ${key}` } })).status()).toBe(401);
});
