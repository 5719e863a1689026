import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { LOGIN_LIMITS } from "../lib/auth/login-throttle";
import { signIn as signInOverHttp } from "../tests/harness/sign-in";
import { cli, expectSignedInAs, signIn } from "./helpers";

const user = { email: `user-${Date.now()}@e2e.test`, password: "user-password-1" };

test.beforeAll(() => {
  expect(cli("user", "create", "--email", user.email, "--password", user.password)).toContain(
    `created USER ${user.email}`,
  );
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
  await page.getByRole("button", { name: "Revoke", exact: true }).click();
  await page.getByRole("dialog", { name: "Revoke key?" }).getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Key ‘e2e key’ revoked" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "revoked" })).toBeVisible();
  expect((await request.get("/api/me", { headers: { Authorization: `Bearer ${key}` } })).status()).toBe(401);
});

// Sign-in attempts from other loopback addresses (127.0.0.0/8 is all local): the server sees each
// as a different client, exactly as it would see different machines.
const overLoopback = (baseURL: string | undefined) => {
  const url = new URL(baseURL!);
  url.hostname = "127.0.0.1";
  return url.origin;
};
const THROTTLED = /^Too many sign-in attempts/;

test("someone hammering the admin's account from one address does not lock the admin out", async ({
  page,
  baseURL,
}) => {
  const errors: (string | null)[] = [];
  for (let i = 0; i < 20; i++)
    errors.push(
      (await signInOverHttp(overLoopback(baseURL), E2E_ADMIN.email, `wrong-password-${i}`, { from: "127.0.0.2" }))
        .error,
    );
  expect(errors.slice(0, LOGIN_LIMITS.freeFailuresPerPair)).toEqual(
    Array(LOGIN_LIMITS.freeFailuresPerPair).fill("CredentialsSignin"),
  );
  expect(errors.at(-1)).toMatch(THROTTLED);

  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
});

test("an X-Forwarded-For written by the client does not get it past the per-address limit", async ({ baseURL }) => {
  const errors: (string | null)[] = [];
  for (let i = 0; i <= LOGIN_LIMITS.perAddress; i++) {
    const email = `nobody-${i}-${Date.now()}@e2e.test`;
    errors.push(
      (
        await signInOverHttp(overLoopback(baseURL), email, "a-guess-123", {
          from: "127.0.0.3",
          forwardedFor: `198.51.100.${i + 1}`,
        })
      ).error,
    );
  }
  expect(errors.slice(0, LOGIN_LIMITS.perAddress)).toEqual(Array(LOGIN_LIMITS.perAddress).fill("CredentialsSignin"));
  expect(errors.at(-1)).toMatch(THROTTLED);
});

test("changing the password signs the user out everywhere but in this browser", async ({ page, browser, baseURL }) => {
  const changer = { email: `changer-${Date.now()}@e2e.test`, password: "changer-password-1" };
  expect(cli("user", "create", "--email", changer.email, "--password", changer.password)).toContain(
    `created USER ${changer.email}`,
  );
  const laptop = await browser.newContext({ baseURL });
  try {
    const laptopPage = await laptop.newPage();
    await signIn(laptopPage, changer.email, changer.password);
    await expectSignedInAs(laptopPage, changer.email);
    await signIn(page, changer.email, changer.password);
    await expectSignedInAs(page, changer.email);

    await page.goto("/account");
    await page.getByLabel("Current password").fill(changer.password);
    await page.getByLabel("New password").fill("changer-password-2");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Password changed.")).toBeVisible();

    await page.goto("/keys");
    await expectSignedInAs(page, changer.email);
    expect((await page.request.get("/api/me")).status()).toBe(200);

    await laptopPage.goto("/keys");
    await expect(laptopPage).toHaveURL(/\/login/);
    expect((await laptopPage.request.get("/api/me")).status()).toBe(401);
  } finally {
    await laptop.close();
  }
});
