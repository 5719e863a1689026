// The Vercel AI SDK (`ai` with `@ai-sdk/openai-compatible`), unchanged, pointed at Switchyard's
// chat completions: generateText, and streamText running a tool loop (the model calls a tool, the
// SDK runs it and sends the result back), served by an OpenAI-compatible upstream and by an
// Anthropic one through translation. The SDK's reported usage must be what the ledger charged.
// (`embed` is tested with the embeddings endpoint: tests/integration/embeddings-api.test.ts.)
import { createOpenAICompatible, type OpenAICompatibleProvider } from "@ai-sdk/openai-compatible";
import { generateText, stepCountIs, streamText, tool } from "ai";
import { z } from "zod";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { latestUsage, type SettledUsage } from "../harness/settled-usage.ts";

let f: GatewayFixture;
let switchyard: OpenAICompatibleProvider;

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("oai", { priority: 90 });
  await f.addProvider("claude", { kind: "anthropic", priority: 10 });
  await f.addModel("oai", "mock-small", { level: "BALANCED", input: 1, output: 2, quality: 9 });
  await f.addModel("claude", "claude-mock", { level: "BALANCED", input: 3, output: 15, quality: 8 });
  await f.grant(f.user.id, 10);
  switchyard = createOpenAICompatible({
    name: "switchyard",
    baseURL: `${f.app.url}/api/v1`,
    apiKey: f.userKey,
    includeUsage: true,
  });
});
afterAll(() => f?.close());
beforeEach(() => f.reset());

function expectCharged(rows: SettledUsage[], usage: { inputTokens?: number; outputTokens?: number }, provider: string) {
  for (const row of rows) {
    expect(row.api).toBe("chat.completions");
    expect(row.provider_slug).toBe(provider);
    expect(Number(row.charged)).toBeGreaterThan(0);
    expect(row.ledger).toBe(row.charged);
  }
  const sum = (k: "prompt_tokens" | "completion_tokens") => rows.reduce((s, r) => s + r[k], 0);
  expect({ input: usage.inputTokens, output: usage.outputTokens }).toEqual({
    input: sum("prompt_tokens"),
    output: sum("completion_tokens"),
  });
}

describe.each([
  { via: "an OpenAI-compatible upstream", model: "oai/mock-small", provider: "oai" },
  { via: "an Anthropic upstream (translated)", model: "claude/claude-mock", provider: "claude" },
])("Vercel AI SDK through $via", ({ model, provider }) => {
  it("generateText", async () => {
    const result = await generateText({
      model: switchyard.chatModel(model),
      prompt: "hello there",
      maxOutputTokens: 64,
    });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.finishReason).toBe("stop");
    expectCharged(await latestUsage(f.url, f.user.id, 1), result.usage, provider);
  });

  it("streamText with a tool: the call streams in, the SDK runs it, the result goes back, the answer streams out", async () => {
    f.mock.setBehavior({ toolCall: { name: "get_weather", arguments: '{"city":"Paris"}' } }, { once: true });
    const seen: string[] = [];
    const result = streamText({
      model: switchyard.chatModel(model),
      prompt: "What is the weather in Paris?",
      maxOutputTokens: 128,
      tools: {
        get_weather: tool({
          description: "Current weather for a city",
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            seen.push(city);
            return `18C and sunny in ${city}`;
          },
        }),
      },
      stopWhen: stepCountIs(2),
    });
    let text = "";
    for await (const piece of result.textStream) text += piece;
    expect(seen).toEqual(["Paris"]);
    expect(text.length).toBeGreaterThan(0);
    const steps = await result.steps;
    expect(steps.map((s) => s.finishReason)).toEqual(["tool-calls", "stop"]);
    // The second request carried the call and its result, in the upstream's own protocol.
    const sent = f.mock.requests.at(-1)!.body;
    const flat = JSON.stringify(sent.messages);
    expect(flat).toContain("18C and sunny in Paris");
    if (provider === "claude") expect(sent.messages.at(-1).content[0]).toMatchObject({ type: "tool_result" });
    else expect(sent.messages.at(-1)).toMatchObject({ role: "tool" });
    expectCharged(await latestUsage(f.url, f.user.id, 2), await result.totalUsage, provider);
  });
});
