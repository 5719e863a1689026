// The official @anthropic-ai/sdk, unchanged, pointed at Switchyard: messages.create and
// messages.stream (text, a tool-use round trip, an image block), served by an OpenAI-compatible
// upstream through translation and by an Anthropic upstream natively. Each reply's usage must be
// what the ledger charged and what the usage row (api = messages) recorded.
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";
import { latestUsage } from "../harness/settled-usage.ts";

let f: GatewayFixture;
let client: Anthropic;

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("oai", { priority: 90 });
  await f.addProvider("claude", { kind: "anthropic", priority: 10 });
  await f.addModel("oai", "mock-small", {
    level: "BALANCED",
    input: 1,
    output: 2,
    quality: 9,
    capabilities: ["chat", "tools", "vision"],
  });
  await f.addModel("claude", "claude-mock", {
    level: "BALANCED",
    input: 3,
    output: 15,
    quality: 8,
    capabilities: ["chat", "tools", "vision"],
  });
  await f.grant(f.user.id, 10);
  // What a user of the SDK writes: the gateway's base URL and a gateway key, nothing else.
  client = new Anthropic({ apiKey: f.userKey, baseURL: `${f.app.url}/api`, maxRetries: 0 });
});
afterAll(() => f?.close());
beforeEach(() => f.reset());

/** The reply's usage is the charged usage: same tokens as the row, and the ledger took the row's charge. */
async function expectChargedAsReported(usage: Anthropic.Usage, provider: string) {
  const [row] = await latestUsage(f.url, f.user.id, 1);
  expect(row!.api).toBe("messages");
  expect(row!.provider_slug).toBe(provider);
  expect({ input: usage.input_tokens, output: usage.output_tokens }).toEqual({
    input: row!.prompt_tokens,
    output: row!.completion_tokens,
  });
  expect(Number(row!.charged)).toBeGreaterThan(0);
  expect(row!.ledger).toBe(row!.charged);
}

const weatherTool: Anthropic.Tool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

// A 1x1 PNG.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

describe.each([
  { via: "an OpenAI-compatible upstream (translated)", model: "oai/mock-small", provider: "oai" },
  { via: "an Anthropic upstream (native)", model: "claude/claude-mock", provider: "claude" },
])("@anthropic-ai/sdk through $via", ({ model, provider }) => {
  it("messages.create: a text reply", async () => {
    const msg = await client.messages.create({
      model,
      max_tokens: 64,
      system: "Be brief.",
      messages: [{ role: "user", content: "hello there" }],
    });
    expect(msg.type).toBe("message");
    expect(msg.role).toBe("assistant");
    expect(msg.model).toBe(model);
    expect(msg.stop_reason).toBe("end_turn");
    const text = msg.content
      .filter((b) => b.type === "text")
      .map((b) => b.text)
      .join("");
    expect(text.length).toBeGreaterThan(0);
    await expectChargedAsReported(msg.usage, provider);
  });

  it("messages.stream: text arrives in pieces and finalMessage() matches them", async () => {
    const stream = client.messages.stream({
      model,
      max_tokens: 64,
      messages: [{ role: "user", content: "stream to me" }],
    });
    const pieces: string[] = [];
    stream.on("text", (t) => pieces.push(t));
    const msg = await stream.finalMessage();
    expect(pieces.length).toBeGreaterThan(1);
    expect(msg.content[0]).toMatchObject({ type: "text", text: pieces.join("") });
    expect(msg.stop_reason).toBe("end_turn");
    await expectChargedAsReported(msg.usage, provider);
  });

  it("a tool-use round trip: tool_use out (streamed input assembled by the SDK), tool_result back in", async () => {
    f.mock.setBehavior({ toolCall: { name: "get_weather", arguments: '{"city":"Paris"}' } });
    const stream = client.messages.stream({
      model,
      max_tokens: 128,
      tools: [weatherTool],
      tool_choice: { type: "any" },
      messages: [{ role: "user", content: "Weather in Paris?" }],
    });
    const first = await stream.finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === "tool_use");
    expect(use).toMatchObject({ name: "get_weather", input: { city: "Paris" } });
    await expectChargedAsReported(first.usage, provider);

    f.mock.resetBehavior();
    const second = await client.messages.create({
      model,
      max_tokens: 128,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: use!.id, content: "18C and sunny" }] },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    await expectChargedAsReported(second.usage, provider);
    // The upstream got the call and its result in its own protocol.
    const sent = f.mock.requests.at(-1)!.body;
    if (provider === "claude") {
      expect(sent.messages.at(-2).content).toContainEqual({
        type: "tool_use",
        id: use!.id,
        name: "get_weather",
        input: { city: "Paris" },
      });
      expect(sent.messages.at(-1).content).toContainEqual({
        type: "tool_result",
        tool_use_id: use!.id,
        content: "18C and sunny",
      });
    } else {
      expect(sent.messages.at(-2)).toMatchObject({
        role: "assistant",
        tool_calls: [{ id: use!.id, type: "function", function: { name: "get_weather" } }],
      });
      expect(JSON.parse(sent.messages.at(-2).tool_calls[0].function.arguments)).toEqual({ city: "Paris" });
      expect(sent.messages.at(-1)).toMatchObject({ role: "tool", tool_call_id: use!.id, content: "18C and sunny" });
      expect(sent.tools[0]).toMatchObject({
        type: "function",
        function: { name: "get_weather", parameters: weatherTool.input_schema },
      });
    }
  });

  it("an image block reaches the upstream as that protocol's image", async () => {
    const msg = await client.messages.create({
      model,
      max_tokens: 64,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            { type: "text", text: "What is this?" },
          ],
        },
      ],
    });
    expect(msg.content[0]!.type).toBe("text");
    await expectChargedAsReported(msg.usage, provider);
    const parts = f.mock.requests.at(-1)!.body.messages.at(-1).content;
    if (provider === "claude")
      expect(parts[0]).toEqual({ type: "image", source: { type: "base64", media_type: "image/png", data: PNG } });
    else expect(parts[0]).toEqual({ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } });
  });
});

describe("@anthropic-ai/sdk errors", () => {
  it("a refused key and bad input surface as the SDK's typed errors, with nothing charged", async () => {
    const bad = new Anthropic({ apiKey: "sk-not-a-key", baseURL: `${f.app.url}/api`, maxRetries: 0 });
    await expect(
      bad.messages.create({ model: "balanced", max_tokens: 8, messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const before = await sql<{ n: string }>(f.url, "SELECT count(*)::text AS n FROM usage_logs");
    const err = await client.messages
      .create({ model: "balanced", max_tokens: 0, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error" },
    });
    expect(await sql<{ n: string }>(f.url, "SELECT count(*)::text AS n FROM usage_logs")).toEqual(before);
  });
});
