/**
 * The two directions agree: this dialect (Anthropic client → internal) composed with the Anthropic
 * provider adapter (internal → Anthropic upstream) is the identity, for requests and for streams,
 * up to what each side documents it drops.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompletionAccumulator } from "../../gateway/accumulator.ts";
import { upstreamRequest } from "../../gateway/chat-request.ts";
import { createAnthropicAdapter, toAnthropicRequest } from "../../providers/anthropic.ts";
import type { UpstreamEvent } from "../../providers/types.ts";
import { encodeMessageResponse } from "./encode-response.ts";
import { MessagesStreamEncoder } from "./encode-stream.ts";
import { messagesRequestSchema, type MessagesRequest } from "./schema.ts";
import {
  imageRequest,
  sseText,
  streamedText,
  streamedToolUse,
  systemBlocksRequest,
  textRequest,
  toolRequest,
  toolResultRequest,
  type SseFixture,
} from "./test-fixtures.ts";
import { messagesToChatBody } from "./to-chat.ts";

type Json = Record<string, unknown>;

/** An Anthropic request through the dialect, the gateway's upstream filter and the adapter. */
function throughGateway(raw: unknown, byok = false): Json {
  const req = messagesRequestSchema.parse(raw);
  const body = messagesToChatBody(req);
  return toAnthropicRequest(upstreamRequest(body, req.model, req.max_tokens, "anthropic", byok));
}

/**
 * The request in the adapter's canonical form: string contents as one text block, the system
 * prompt as one string, always streamed; minus what the dialect documents it drops (top_k,
 * is_error, cache_control).
 */
function canonical(raw: unknown): Json {
  const req: MessagesRequest = messagesRequestSchema.parse(raw);
  const strip = (block: Json): Json => {
    const { cache_control: _c, is_error: _e, ...rest } = block;
    if (rest.type === "tool_result" && Array.isArray(rest.content)) rest.content = (rest.content as Json[]).map(strip);
    if (rest.type === "tool_result" && rest.content === undefined) rest.content = "";
    return rest;
  };
  const out: Json = {
    model: req.model,
    max_tokens: req.max_tokens,
    stream: true,
    messages: req.messages.map((m) => ({
      role: m.role,
      content:
        typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content.map((b) => strip(b as Json)),
    })),
  };
  const system = typeof req.system === "string" ? req.system : (req.system ?? []).map((b) => b.text).join("\n\n");
  if (system) out.system = system;
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.top_p !== undefined) out.top_p = req.top_p;
  if (req.stop_sequences?.length) out.stop_sequences = req.stop_sequences;
  if (req.metadata?.user_id) out.metadata = { user_id: req.metadata.user_id };
  if (req.tools?.length) {
    out.tools = req.tools.map((t) => strip(t as Json));
    if (req.tool_choice) out.tool_choice = req.tool_choice;
  }
  return out;
}

const kitchenSink = {
  model: "claude-sonnet-4-5",
  max_tokens: 2048,
  system: "You are a weather bot.",
  temperature: 0.3,
  top_p: 0.8,
  top_k: 20,
  stop_sequences: ["</answer>"],
  metadata: { user_id: "user-7" },
  tools: [
    toolRequest.tools[0],
    {
      name: "get_time",
      description: "Current time",
      input_schema: { type: "object", properties: { tz: { type: "string" } } },
      cache_control: { type: "ephemeral" },
    },
  ],
  tool_choice: { type: "auto", disable_parallel_tool_use: true },
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "Weather and time in Paris?", cache_control: { type: "ephemeral" } },
        imageRequest.messages[0]!.content[0],
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "text", text: "Checking both." },
        { type: "tool_use", id: "toolu_w", name: "get_weather", input: { location: "Paris" } },
        { type: "tool_use", id: "toolu_t", name: "get_time", input: { tz: "Europe/Paris" } },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_w", content: [{ type: "text", text: "12C, cloudy" }] },
        { type: "tool_result", tool_use_id: "toolu_t", content: "14:05", is_error: false },
        { type: "text", text: "Thanks. Also, is this a PDF?" },
        { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" } },
      ],
    },
  ],
};

describe("request round trip: Anthropic → messagesToChatBody → upstreamRequest → toAnthropicRequest", () => {
  it.each([
    ["text", textRequest],
    ["tool use", toolRequest],
    ["tool result", toolResultRequest],
    ["images", imageRequest],
    ["system blocks", systemBlocksRequest],
    ["everything at once", kitchenSink],
  ])("gives back the %s request, under the platform's key and under BYOK", (_name, raw) => {
    expect(throughGateway(raw)).toEqual(canonical(raw));
    expect(throughGateway(raw, true)).toEqual(canonical(raw));
  });

  it.each([
    { type: "any" },
    { type: "tool", name: "get_weather" },
    { type: "none" },
    { type: "any", disable_parallel_tool_use: true },
  ])("gives back tool_choice %j", (tool_choice) => {
    expect(throughGateway({ ...toolRequest, tool_choice }).tool_choice).toEqual(tool_choice);
  });
});

describe("stream round trip: Anthropic upstream → adapter → MessagesStreamEncoder", () => {
  let server: Server;
  let baseUrl = "";
  let reply = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(reply);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function upstreamEvents(fixture: SseFixture): Promise<UpstreamEvent[]> {
    reply = sseText(fixture);
    const adapter = createAnthropicAdapter({ slug: "anthropic", kind: "ANTHROPIC", baseUrl, apiKey: "sk-ant-test" });
    const events: UpstreamEvent[] = [];
    for await (const e of await adapter.stream(
      { model: "claude", messages: [{ role: "user", content: "hi" }] },
      new AbortController().signal,
    ))
      events.push(e);
    return events;
  }

  function reencode(events: UpstreamEvent[], fixture: SseFixture): SseFixture {
    const start = fixture[0]!.data.message as { id: string; model: string };
    const enc = new MessagesStreamEncoder({ id: start.id, model: start.model });
    const frames = [...events.flatMap((e) => enc.push(e)), ...enc.finish()];
    return frames.map((f) => {
      const [event, data] = f.split("\n") as [string, string];
      return { event: event.slice("event: ".length), data: JSON.parse(data.slice("data: ".length)) as Json };
    });
  }

  // The adapter does not pass pings or empty input_json_delta pieces on; neither changes what a client builds.
  const comparable = (fixture: SseFixture) =>
    fixture.filter(
      (e) =>
        e.event !== "ping" &&
        !(e.event === "content_block_delta" && (e.data.delta as { partial_json?: string }).partial_json === ""),
    );

  it.each([
    ["text", streamedText],
    ["tool use", streamedToolUse],
  ])("gives back the documented streamed %s reply", async (_name, fixture) => {
    expect(reencode(await upstreamEvents(fixture), fixture)).toEqual(comparable(fixture));
  });

  it("gives the documented non-streamed reply from the same events, through the accumulator as the route will", async () => {
    const acc = new CompletionAccumulator();
    for (const e of await upstreamEvents(streamedToolUse)) acc.add(e);
    const choice = acc.messageChoices()[0]!;
    const usage = acc.reportedUsage();
    const out = encodeMessageResponse({
      id: "msg_014p7gG3wDgGV9EUtLvnow3U",
      model: "claude-opus-4-1-20250805",
      text: choice.message.content ?? "",
      refusal: choice.message.refusal,
      toolCalls: (choice.message.tool_calls ?? []).map((c) => ({
        id: c.id,
        name: c.function.name,
        arguments: c.function.arguments,
      })),
      finishReason: choice.finish_reason,
      usage: usage && { ...usage, completion_tokens: acc.completionTokens() },
    });
    expect(out).toEqual({
      id: "msg_014p7gG3wDgGV9EUtLvnow3U",
      type: "message",
      role: "assistant",
      model: "claude-opus-4-1-20250805",
      content: [
        { type: "text", text: "Okay, let's check the weather for San Francisco, CA:" },
        {
          type: "tool_use",
          id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
          name: "get_weather",
          input: { location: "San Francisco, CA", unit: "fahrenheit" },
        },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 472, output_tokens: 89 },
    });
  });
});
