import { expect, request, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { cli, expectSignedInAs, signIn } from "./helpers";

// The admin's request log: filters narrow it and live in the URL, an empty result says which
// filters matched nothing, and a request opens with its attempts and routing receipt (a link to it
// opens it again).
const caller = { email: `requests-caller-${Date.now()}@e2e.test`, password: "requests-password-1" };
const REQUESTS = 3;

test.beforeAll(async ({}, info) => {
  expect(cli("user", "create", "--email", caller.email, "--password", caller.password)).toContain(
    `created USER ${caller.email}`,
  );
  const key = cli("key", "create", "--email", caller.email, "--name", "requests-spec").trim().split("\n").at(-1)!;
  const gateway: APIRequestContext = await request.newContext({
    baseURL: info.project.use.baseURL!,
    extraHTTPHeaders: { Authorization: `Bearer ${key}` },
  });
  // The simulated provider's ECO model is free: a user without credits is served.
  for (let i = 0; i < REQUESTS; i++) {
    const res = await gateway.post("/api/v1/chat/completions", {
      data: { model: "eco", messages: [{ role: "user", content: `request log ${i}` }] },
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  await gateway.dispose();
});

test("filters the log, says what matched nothing, and opens a request's receipt", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
  await page.goto("/admin/requests");
  await expect(page.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Requests", exact: true }).first()).toBeVisible();

  await page.getByLabel("User", { exact: true }).fill(caller.email);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`user=${encodeURIComponent(caller.email).replace(/\./g, "\\.")}`));
  const rows = page.getByTestId("request-row");
  await expect(rows).toHaveCount(REQUESTS);
  await expect(rows.first().getByTestId("request-model")).toContainText("simulated/");

  await page.getByLabel("Status", { exact: true }).selectOption("error");
  await expect(page.getByTestId("requests-empty")).toHaveText(
    `No request matches user ${caller.email} and status error.`,
  );
  await page.goBack();
  await expect(rows).toHaveCount(REQUESTS);

  await rows
    .first()
    .getByRole("button", { name: /^Open request / })
    .click();
  const dialog = page.getByRole("dialog", { name: "Request" });
  await expect(dialog.getByTestId("request-attempts")).toContainText("answered");
  await expect(dialog.getByTestId("request-receipt")).toContainText("Recorded when this request was routed");
  await expect(dialog.getByTestId("request-receipt")).toContainText("primary");
  await expect(page).toHaveURL(/request=/);

  // The link opens the same request.
  await page.reload();
  await expect(page.getByRole("dialog", { name: "Request" }).getByTestId("request-receipt")).toBeVisible();
  await page.getByRole("dialog", { name: "Request" }).getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page).not.toHaveURL(/request=/);
  await expect(rows).toHaveCount(REQUESTS);
});
