import { expect, request, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { cli, expectSignedInAs, signIn } from "./helpers";

// A fresh user has $0 credits, so the router serves them from free models: the built-in
// simulated provider's ECO model streams a deterministic "Simulated reply from …" answer.
const user = { email: `chat-${Date.now()}@e2e.test`, password: "chat-password-1" };
const prompt = "Hello simulated world";

const SEEDED_SIMULATION = { first_token_ms: 250, tokens_per_second: 60, error_rate: 0, error_status: 503 };

/** Paces the built-in simulated provider through the admin API (slow enough to watch it stream on a busy machine). */
async function setSimulation(baseURL: string, simulation: Record<string, number>) {
  const key = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "chat-spec").trim().split("\n").at(-1)!;
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${key}` } });
  const providers = (await (await api.get("/api/admin/providers")).json()).data as { id: string; slug: string }[];
  const sim = providers.find((p) => p.slug === "simulated")!;
  expect((await api.patch(`/api/admin/providers/${sim.id}`, { data: { simulation } })).status()).toBe(200);
  await api.dispose();
}

test.beforeAll(async ({}, info) => {
  expect(cli("user", "create", "--email", user.email, "--password", user.password)).toContain(
    `created USER ${user.email}`,
  );
  await setSimulation(info.project.use.baseURL!, { ...SEEDED_SIMULATION, tokens_per_second: 12 });
});

test.afterAll(async ({}, info) => {
  await setSimulation(info.project.use.baseURL!, SEEDED_SIMULATION);
});

test("a user chats at ECO, sees the reply stream in with its meta, and finds the conversation again", async ({
  page,
}) => {
  await signIn(page, user.email, user.password);
  await expectSignedInAs(page, user.email);
  await page.goto("/chat");

  const eco = page.getByRole("button", { name: "ECO", exact: true });
  await eco.click();
  await expect(eco).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("button", { name: "BALANCED", exact: true })).toHaveAttribute("aria-pressed", "false");

  // Record the reply's length at every DOM change, to see it grow token by token.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { replyLengths: number[] }).replyLengths = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="assistant-message"] p')?.textContent ?? "";
      if (text && text.length !== seen.at(-1)) seen.push(text.length);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  await page.getByLabel("Message").fill(prompt);
  await page.getByRole("button", { name: "Send" }).click();

  // While the reply streams: Stop is offered, Send is not.
  await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Send" })).toBeDisabled();

  const reply = page.getByTestId("assistant-message");
  await expect(reply).toHaveCount(1);
  await expect(reply).toContainText(`Simulated reply from sim-eco: you said "${prompt}"`);
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden();
  const meta = reply.getByTestId("reply-meta");
  await expect(meta).toContainText("simulated");
  await expect(meta).toContainText(/cost \$\d/);
  await expect(meta).toContainText(/\d+ in \/ \d+ out tokens/);
  const lengths = await page.evaluate(() => (window as unknown as { replyLengths: number[] }).replyLengths);
  expect(lengths.length).toBeGreaterThan(3);
  expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
  const replyText = await reply.locator("p").first().innerText();

  // The router explains its choice for the same request.
  await reply.getByRole("button", { name: "Why this model?" }).click();
  await expect(reply.getByTestId("route-explanation")).toContainText("primary");

  // Stored: a reload shows the same conversation, with its meta.
  await expect(page).toHaveURL(/\/chat\?c=/);
  await page.reload();
  await expect(page.getByTestId("user-message")).toHaveText(prompt);
  await expect(page.getByTestId("assistant-message").locator("p").first()).toHaveText(replyText);
  await expect(page.getByTestId("reply-meta")).toContainText(/cost \$\d/);

  // A new chat is empty; picking the conversation from the list brings it back.
  await page.goto("/chat");
  await expect(page.getByTestId("assistant-message")).toHaveCount(0);
  await page.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: prompt }).click();
  await expect(page.getByTestId("user-message")).toHaveText(prompt);
  await expect(page.getByTestId("assistant-message").locator("p").first()).toHaveText(replyText);
  await expect(page.getByTestId("reply-meta")).toContainText("simulated");
});
