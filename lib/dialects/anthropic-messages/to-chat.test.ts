import { describe, expect, it } from "vitest";
import { chatCompletionSchema, routingRequest } from "../../gateway/chat-request.ts";
import { MessagesRequestError } from "./request-error.ts";
import { messagesRequestSchema, type MessagesRequest } from "./schema.ts";
import {
  imageRequest,
  systemBlocksRequest,
  textRequest,
  toolRequest,
  toolResultRequest,
  toolUseResponse,
  weatherTool,
} from "./test-fixtures.ts";
import { messagesToChatBody } from "./to-chat.ts";

const req = (body: unknown): MessagesRequest => messagesRequestSchema.parse(body);
const chat = (body: unknown) => messagesToChatBody(req(body));
const translationError = (body: unknown): MessagesRequestError => {
  try {
    chat(body);
  } catch (e) {
    expect(e).toBeInstanceOf(MessagesRequestError);
    return e as MessagesRequestError;
  }
  throw new Error("expected a MessagesRequestError");
};

describe("messagesToChatBody", () => {
  it("translates the documented text request", () => {
    expect(chat(textRequest)).toEqual({
      model: "claude-3-7-sonnet-20250219",
      max_tokens: 1024,
      messages: [{ role: "user", content: "Hello, Claude" }],
    });
  });

  it("gives a body the chat-completions schema accepts and the router reads", () => {
    for (const body of [textRequest, toolResultRequest, imageRequest, systemBlocksRequest]) {
      const out = chat({
        ...body,
        model: "auto",
        stream: true,
        stop_sequences: ["\n\nHuman:"],
        metadata: { user_id: "u-1" },
        power_level: "eco",
      });
      expect(chatCompletionSchema.safeParse(out).success).toBe(true);
      expect(routingRequest(chatCompletionSchema.parse(out)).powerLevel).toBe("ECO");
    }
    const image = routingRequest(chatCompletionSchema.parse(chat(imageRequest)));
    expect(image.hasImages).toBe(true);
    expect(image.lastUserText).toContain("Describe this image.");
    expect(routingRequest(chatCompletionSchema.parse(chat(toolRequest))).hasTools).toBe(true);
  });

  it("maps the scalar parameters and drops top_k", () => {
    const out = chat({
      ...textRequest,
      stream: true,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ["END", "STOP"],
      metadata: { user_id: "user-42" },
      thinking: { type: "enabled" },
    });
    expect(out).toEqual({
      model: "claude-3-7-sonnet-20250219",
      max_tokens: 1024,
      messages: [{ role: "user", content: "Hello, Claude" }],
      stream: true,
      temperature: 0.2,
      top_p: 0.9,
      stop: ["END", "STOP"],
      user: "user-42",
    });
    expect(out).not.toHaveProperty("stream_options");
    expect(chat({ ...textRequest, metadata: { user_id: null }, stop_sequences: [] })).not.toHaveProperty("user");
  });

  it("passes Switchyard's routing fields through to the router", () => {
    const out = chat({
      ...textRequest,
      model: "auto",
      task_type: "code",
      privacy_required: true,
      latency_slo: "fast",
      quality: "best",
      max_cost_usd: 0.05,
      region: "EU",
    });
    expect(out).toMatchObject({
      model: "auto",
      task_type: "code",
      privacy_required: true,
      latency_slo: "fast",
      quality: "best",
      max_cost_usd: 0.05,
      region: "eu",
    });
  });

  it("makes the system prompt one system message, from a string or from blocks", () => {
    expect(chat({ ...textRequest, system: "Be terse." }).messages[0]).toEqual({ role: "system", content: "Be terse." });
    expect(chat(systemBlocksRequest).messages).toEqual([
      {
        role: "system",
        content:
          "You are an AI assistant tasked with analyzing literary works. Your goal is to provide insightful commentary on themes, characters, and writing style.\n\n\n<the entire contents of 'Pride and Prejudice'>",
      },
      { role: "user", content: "Analyze the major themes in 'Pride and Prejudice'." },
    ]);
    expect(chat({ ...textRequest, system: [] }).messages).toHaveLength(1);
  });

  it("turns image blocks into image_url parts: base64 as a data URL, url sources as they are", () => {
    expect(chat(imageRequest).messages).toEqual([
      {
        role: "user",
        content: [
          {
            type: "image_url",
            image_url: { url: `data:image/jpeg;base64,${imageRequest.messages[0]!.content[0]!.source!.data}` },
          },
          {
            type: "image_url",
            image_url: {
              url: "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg",
            },
          },
          { type: "text", text: "Describe this image." },
        ],
      },
    ]);
  });

  it("turns PDF documents into file parts and text documents into text", () => {
    const out = chat({
      ...textRequest,
      messages: [
        {
          role: "user",
          content: [
            {
              type: "document",
              source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" },
              title: "report.pdf",
            },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "The grass is green." } },
            { type: "text", text: "Summarise." },
          ],
        },
      ],
    });
    expect(out.messages[0]!.content).toEqual([
      { type: "file", file: { filename: "report.pdf", file_data: "data:application/pdf;base64,JVBERi0xLjQK" } },
      { type: "text", text: "The grass is green." },
      { type: "text", text: "Summarise." },
    ]);
  });

  it("translates the documented tool-use round trip: tool_use → tool_calls, tool_result → a tool message", () => {
    expect(chat(toolResultRequest)).toEqual({
      model: "claude-opus-4-1-20250805",
      max_tokens: 1024,
      messages: [
        { role: "user", content: "What's the weather like in San Francisco?" },
        {
          role: "assistant",
          content: "I'll check the current weather in San Francisco for you.",
          tool_calls: [
            {
              id: "toolu_01A09q90qw90lq917835lq9",
              type: "function",
              function: { name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "toolu_01A09q90qw90lq917835lq9", content: "15 degrees" },
      ],
      tools: [
        {
          type: "function",
          function: { name: "get_weather", description: weatherTool.description, parameters: weatherTool.input_schema },
        },
      ],
    });
  });

  it("puts a turn's tool results first, in order, and its own blocks (with any tool_result images) after them", () => {
    const out = chat({
      ...toolRequest,
      messages: [
        toolRequest.messages[0],
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "toolu_a", name: "get_weather", input: { location: "Paris" } },
            { type: "tool_use", id: "toolu_b", name: "get_weather", input: { location: "Rome" } },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "toolu_a",
              content: [
                { type: "text", text: "12C" },
                { type: "image", source: { type: "url", url: "https://maps.test/paris.png" } },
              ],
            },
            { type: "text", text: "And compare them." },
            { type: "tool_result", tool_use_id: "toolu_b", content: "18C", is_error: false },
          ],
        },
      ],
    });
    expect(out.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "toolu_a", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } },
          { id: "toolu_b", type: "function", function: { name: "get_weather", arguments: '{"location":"Rome"}' } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_a", content: [{ type: "text", text: "12C" }] },
      { role: "tool", tool_call_id: "toolu_b", content: "18C" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "https://maps.test/paris.png" } },
          { type: "text", text: "And compare them." },
        ],
      },
    ]);
  });

  it("answers an empty or error tool_result with its text only", () => {
    const history = [toolRequest.messages[0], { role: "assistant", content: [toolUseResponse.content[1]] }];
    const out = chat({
      ...toolRequest,
      messages: [
        ...history,
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "toolu_01A09q90qw90lq917835lq9", is_error: true }],
        },
      ],
    });
    expect(out.messages.at(-1)).toEqual({ role: "tool", tool_call_id: "toolu_01A09q90qw90lq917835lq9", content: "" });
  });

  it("refuses a tool_result that answers no tool_use of the previous assistant turn", () => {
    const orphan = translationError({
      ...toolRequest,
      messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_x", content: "1" }] }],
    });
    expect(orphan.status).toBe(400);
    expect(orphan.param).toBe("messages.0.content.0.tool_use_id");
    expect(orphan.message).toContain('"toolu_x" matches no tool_use block');
    // An id from an older assistant turn does not count: both APIs want the answer right after the call.
    const stale = translationError({
      ...toolResultRequest,
      messages: [
        ...toolResultRequest.messages,
        { role: "assistant", content: "Anything else?" },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "toolu_01A09q90qw90lq917835lq9", content: "again" }],
        },
      ],
    });
    expect(stale.param).toBe("messages.4.content.0.tool_use_id");
  });

  it.each([
    [{ type: "auto" }, { tool_choice: "auto" }],
    [{ type: "any" }, { tool_choice: "required" }],
    [{ type: "tool", name: "get_weather" }, { tool_choice: { type: "function", function: { name: "get_weather" } } }],
    [{ type: "none" }, { tool_choice: "none" }],
    [
      { type: "auto", disable_parallel_tool_use: true },
      { tool_choice: "auto", parallel_tool_calls: false },
    ],
    [
      { type: "any", disable_parallel_tool_use: true },
      { tool_choice: "required", parallel_tool_calls: false },
    ],
    [
      { type: "tool", name: "get_weather", disable_parallel_tool_use: false },
      { tool_choice: { type: "function", function: { name: "get_weather" } } },
    ],
  ])("maps tool_choice %j", (tool_choice, expected) => {
    const out = chat({ ...toolRequest, tool_choice });
    expect({
      tool_choice: out.tool_choice,
      ...(out.parallel_tool_calls !== undefined ? { parallel_tool_calls: out.parallel_tool_calls } : {}),
    }).toEqual(expected);
  });

  it("checks tool_choice against the tools", () => {
    expect(translationError({ ...toolRequest, tool_choice: { type: "tool", name: "get_time" } }).param).toBe(
      "tool_choice.name",
    );
    expect(translationError({ ...textRequest, tool_choice: { type: "any" } }).param).toBe("tool_choice");
    // Without tools, auto and none say nothing, and OpenAI refuses tool_choice without tools.
    expect(chat({ ...textRequest, tool_choice: { type: "auto", disable_parallel_tool_use: true } })).not.toHaveProperty(
      "tool_choice",
    );
    expect(chat({ ...textRequest, tools: [], tool_choice: { type: "none" } })).not.toHaveProperty("tools");
  });

  it("drops thinking blocks, and assistant turns that held nothing else", () => {
    const out = chat({
      ...textRequest,
      messages: [
        { role: "user", content: "a" },
        { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "s" }] },
        { role: "user", content: "b" },
        {
          role: "assistant",
          content: [
            { type: "redacted_thinking", data: "x" },
            { type: "text", text: "Sure" },
            { type: "text", text: ", here." },
          ],
        },
      ],
    });
    expect(out.messages).toEqual([
      { role: "user", content: "a" },
      { role: "user", content: "b" },
      { role: "assistant", content: "Sure, here." },
    ]);
  });
});
