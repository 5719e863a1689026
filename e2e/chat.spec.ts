import { expect, test } from "@playwright/test";
import { cli, expectSignedInAs, signIn } from "./helpers";

// A fresh user has $0 credits, so the router serves them from free models: the built-in
// simulated provider's ECO model streams a deterministic "Simulated reply from …" answer.
const user = { email: `chat-${Date.now()}@e2e.test`, password: "chat-password-1" };
const prompt = "Hello simulated world";

test.beforeAll(() => {
  expect(cli("user", "create", "--email", user.email, "--password", user.password)).toContain(`created USER ${user.email}`);
});

test("a user chats at ECO, sees the reply stream in with its meta, and finds the conversation again", async ({ page }) => {
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
