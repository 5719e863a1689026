import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { expectSignedInAs, signIn } from "./helpers";

// Unique per run, so this spec neither depends on nor disturbs what other specs create.
const stamp = Date.now();
const platformKey = `sk-e2e${stamp}-not-a-real-platform-key`;
const upstreamId = `e2e-model-${stamp}`;
const modelId = `simulated/${upstreamId}`;
const ruleName = `code goes to sim-eco ${stamp}`;

type ProviderRow = Record<string, unknown> & {
  id: string;
  slug: string;
  has_api_key: boolean;
  api_key_prefix: string | null;
};

async function openNav(page: Page, label: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label }).click();
  await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
}

/** Undo what the test changed even when it failed halfway: the OpenAI key, the model, the rule. */
async function cleanUp(page: Page) {
  // Cookie-authenticated writes must say they come from the app's own origin, as the browser's do.
  const headers = { Origin: new URL(page.url()).origin };
  const providers = (await (await page.request.get("/api/admin/providers")).json()).data as ProviderRow[];
  const openai = providers.find((p) => p.slug === "openai");
  if (openai?.has_api_key)
    await page.request.patch(`/api/admin/providers/${openai.id}`, { headers, data: { api_key: null } });
  const models = (await (await page.request.get("/api/admin/models")).json()).data as {
    id: string;
    model_id: string;
  }[];
  for (const m of models.filter((m) => m.model_id === modelId))
    await page.request.delete(`/api/admin/models/${m.id}`, { headers });
  const rules = (await (await page.request.get("/api/admin/routing-rules")).json()).data as {
    id: string;
    name: string;
  }[];
  for (const r of rules.filter((r) => r.name === ruleName))
    await page.request.delete(`/api/admin/routing-rules/${r.id}`, { headers });
}

test("admin manages provider keys, the model catalog and a routing rule", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
  try {
    await openNav(page, "Providers");

    // The built-in simulated provider has a card that says what it is.
    const sim = page.getByRole("article", { name: "Simulated (built-in)", exact: true });
    await expect(sim).toBeVisible();
    await expect(sim.getByTestId("provider-kind")).toHaveText("simulated");
    await expect(sim.getByTestId("key-status")).toHaveText("no key needed");

    // A platform key goes in once; afterwards only its prefix is shown, by the UI and the API.
    const openai = page.getByRole("article", { name: "OpenAI", exact: true });
    await expect(openai.getByTestId("key-status")).toHaveText("no key: users need BYOK");
    await openai.getByRole("button", { name: "Set key" }).click();
    await openai.getByLabel("Platform key").fill(platformKey);
    await openai.getByRole("button", { name: "Save key" }).click();
    await expect(openai.getByTestId("key-status")).toHaveText(`platform key ${platformKey.slice(0, 6)}…`);
    await expect(openai.getByLabel("Platform key")).toHaveCount(0);
    await expect(openai.getByRole("button", { name: "Replace key" })).toBeVisible();
    expect(await page.content()).not.toContain(platformKey);

    const res = await page.request.get("/api/admin/providers");
    expect(res.status()).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(platformKey);
    expect(text).not.toContain(platformKey.slice(0, 12));
    const row = (JSON.parse(text).data as ProviderRow[]).find((p) => p.slug === "openai")!;
    expect(row.has_api_key).toBe(true);
    expect(row.api_key_prefix).toBe(`${platformKey.slice(0, 6)}…`);

    // A new model: add, disable, re-enable, edit its price, delete.
    await page.getByRole("button", { name: "Add model" }).click();
    const add = page.getByRole("dialog", { name: "Add model" });
    await add.getByLabel("Provider").selectOption("simulated");
    await add.getByLabel("Upstream id").fill(upstreamId);
    await add.getByLabel("Display name").fill(`E2E model ${stamp}`);
    await add.getByLabel("Power level").selectOption("ECO");
    await add.getByRole("button", { name: "Create model" }).click();
    await expect(add).toHaveCount(0);

    const model = page.getByRole("row", { name: modelId, exact: true });
    await expect(model.getByText("enabled", { exact: true })).toBeVisible();
    await model.getByRole("button", { name: `Disable ${modelId}` }).click();
    await expect(model.getByText("disabled", { exact: true })).toBeVisible();
    await expect(model.getByRole("button", { name: `Enable ${modelId}` })).toBeVisible();
    await model.getByRole("button", { name: `Enable ${modelId}` }).click();
    await expect(model.getByText("enabled", { exact: true })).toBeVisible();
    await expect(model.getByRole("button", { name: `Disable ${modelId}` })).toBeVisible();

    await model.getByRole("button", { name: `Edit ${modelId}` }).click();
    const edit = page.getByRole("dialog", { name: `Edit E2E model ${stamp}` });
    await edit.getByLabel("Input price (USD / 1M tokens)").fill("0.25");
    await edit.getByRole("button", { name: "Save model" }).click();
    await expect(edit).toHaveCount(0);
    await expect(model.getByRole("cell", { name: "$0.25", exact: true })).toBeVisible();

    await model.getByRole("button", { name: `Delete ${modelId}` }).click();
    await model.getByRole("button", { name: "Yes, delete" }).click();
    await expect(model).toHaveCount(0);

    // Routing: a rule made with the structured form, then checked with the request tester.
    await openNav(page, "Routing");
    await page.getByRole("button", { name: "Add rule" }).click();
    const form = page.getByRole("dialog", { name: "Add rule" });
    await form.getByLabel("Rule name").fill(ruleName);
    await form.getByLabel("Priority").fill("-1000");
    await form.getByRole("group", { name: "Task type" }).getByLabel("code", { exact: true }).check();
    await form.getByLabel("Pin model").selectOption("simulated/sim-eco");
    await form.getByRole("button", { name: "Create rule" }).click();
    await expect(form).toHaveCount(0);

    const rule = page.getByRole("article", { name: ruleName, exact: true });
    await expect(rule.getByRole("list", { name: "Conditions" })).toHaveText("task = code");
    await expect(rule.getByRole("list", { name: "Actions" })).toHaveText("pin simulated/sim-eco");
    await expect(rule.getByRole("switch", { name: "Active" })).toBeChecked();

    await page
      .getByLabel("Message")
      .fill("Fix this function:\n```ts\nexport function add(a: number, b: number) {\n  return a - b;\n}\n```");
    await page.getByLabel("Task type").selectOption("code");
    await page.getByRole("button", { name: "Test route" }).click();
    const result = page.getByRole("region", { name: "Route result" });
    await expect(result.getByTestId("route-pick")).toContainText("simulated/sim-eco");
    await expect(result.getByRole("list", { name: "Applied rules" })).toContainText(ruleName);
    await expect(result.getByTestId("route-reason")).toContainText("rule pin");

    // Switched off, the rule no longer applies to the same request.
    await rule.getByRole("switch", { name: "Active" }).uncheck();
    await expect(rule.getByText("inactive", { exact: true })).toBeVisible();
    await page.getByRole("button", { name: "Test route" }).click();
    await expect(result).toBeVisible();
    await expect(result.getByRole("list", { name: "Applied rules" }).getByText(ruleName)).toHaveCount(0);

    await rule.getByRole("button", { name: "Delete" }).click();
    await rule.getByRole("button", { name: "Yes, delete" }).click();
    await expect(rule).toHaveCount(0);

    // Back on Providers, removing the key leaves the card saying users need their own.
    await openNav(page, "Providers");
    await openai.getByRole("button", { name: "Remove key" }).click();
    await openai.getByRole("button", { name: "Yes, remove" }).click();
    await expect(openai.getByTestId("key-status")).toHaveText("no key: users need BYOK");
  } finally {
    await cleanUp(page);
  }
});
