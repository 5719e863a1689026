import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { cli } from "./helpers";

// The real server (npm start, scripts/serve.ts): every API dialect answers on a fresh install,
// served by the built-in simulated provider, through the fast path like chat completions.
test("Messages, Responses and embeddings answer on the real server, each in its own shape", async ({ request }) => {
  const key = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "dialects-spec").trim().split("\n").at(-1)!;

  const messages = await request.post("/api/v1/messages", {
    headers: { "x-api-key": key, "anthropic-version": "2023-06-01" },
    data: { model: "simulated/sim-eco", max_tokens: 64, messages: [{ role: "user", content: "hello" }] },
  });
  expect(messages.status(), await messages.text()).toBe(200);
  expect(await messages.json()).toMatchObject({
    type: "message",
    role: "assistant",
    model: "simulated/sim-eco",
    content: [{ type: "text" }],
  });

  const responses = await request.post("/api/v1/responses", {
    headers: { Authorization: `Bearer ${key}` },
    data: { model: "simulated/sim-eco", input: "hello" },
  });
  expect(responses.status(), await responses.text()).toBe(200);
  expect(await responses.json()).toMatchObject({
    object: "response",
    status: "completed",
    output: [{ type: "message", content: [{ type: "output_text" }] }],
  });

  // Embeddings are paid (sim-embed lists $0.02 per 1M tokens): a cent of credit for the admin first.
  const users = (
    await (
      await request.get(`/api/admin/users?q=${encodeURIComponent(E2E_ADMIN.email)}`, {
        headers: { Authorization: `Bearer ${key}` },
      })
    ).json()
  ).data as { id: string; email: string }[];
  const adminId = users.find((u) => u.email === E2E_ADMIN.email)!.id;
  const grant = await request.post(`/api/admin/users/${adminId}/credits`, {
    headers: { Authorization: `Bearer ${key}` },
    data: { amount_usd: 0.01, reason: "dialects spec" },
  });
  expect(grant.status(), await grant.text()).toBe(201);
  const embeddings = await request.post("/api/v1/embeddings", {
    headers: { Authorization: `Bearer ${key}` },
    data: { model: "auto", input: ["a", "b"], encoding_format: "float" },
  });
  expect(embeddings.status(), await embeddings.text()).toBe(200);
  const body = await embeddings.json();
  expect(body.object).toBe("list");
  expect(body.data).toHaveLength(2);
  expect(body.data[0].embedding.length).toBeGreaterThan(0);
  expect(body.usage.prompt_tokens).toBeGreaterThan(0);

  // A wrong key gets each dialect's own error shape.
  const denied = await request.post("/api/v1/messages", {
    headers: { "x-api-key": "sk-wrong" },
    data: { model: "auto", max_tokens: 8, messages: [{ role: "user", content: "x" }] },
  });
  expect(denied.status()).toBe(401);
  expect(await denied.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
});
