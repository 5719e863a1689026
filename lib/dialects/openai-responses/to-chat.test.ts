import { describe, expect, it } from "vitest";
import { chatCompletionSchema, upstreamRequest } from "../../gateway/chat-request.ts";
import { ResponsesRequestError } from "./request-error.ts";
import { responsesRequestSchema } from "./schema.ts";
import {
  base64ImageRequest,
  emailTool,
  functionCallOutputRequest,
  functionCallRequest,
  imageRequest,
  instructionsRequest,
  parallelCallItems,
  rolesRequest,
  textRequest,
  weatherTool,
} from "./test-fixtures.ts";
import { responsesToChatBody } from "./to-chat.ts";

const translate = (raw: unknown) => responsesToChatBody(responsesRequestSchema.parse(raw));
const refusal = (raw: unknown) => {
  try {
    translate(raw);
  } catch (err) {
    if (err instanceof ResponsesRequestError) return { status: err.status, message: err.message, param: err.param };
    throw err;
  }
  throw new Error("expected a ResponsesRequestError");
};

const weatherFunction = {
  type: "function",
  function: {
    name: "get_weather",
    description: weatherTool.description,
    parameters: weatherTool.parameters,
    strict: true,
  },
};

describe("responsesToChatBody", () => {
  it("sends string input as one user message, and nothing the caller did not set", () => {
    expect(translate(textRequest)).toEqual({
      model: "gpt-4.1",
      messages: [{ role: "user", content: textRequest.input }],
    });
  });

  it("puts instructions first, as a system message", () => {
    expect(translate(instructionsRequest).messages).toEqual([
      { role: "system", content: "Talk like a pirate." },
      { role: "user", content: "Are semicolons optional in JavaScript?" },
    ]);
  });

  it("sends developer messages as system messages, in place; system and developer parts as one text", () => {
    expect(translate(rolesRequest).messages).toEqual([
      { role: "system", content: "Talk like a pirate." },
      { role: "user", content: "Are semicolons optional in JavaScript?" },
    ]);
    const body = translate({
      model: "m",
      input: [
        {
          role: "system",
          content: [
            { type: "input_text", text: "One." },
            { type: "input_text", text: "Two." },
          ],
        },
        { role: "user", content: "go" },
      ],
    });
    expect(body.messages[0]).toEqual({ role: "system", content: "One.\n\nTwo." });
  });

  it("turns input_text and input_image parts into chat content parts, URLs and data: URLs alike", () => {
    expect(translate(imageRequest).messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "what's in this image?" },
          { type: "image_url", image_url: { url: imageRequest.input[0]!.content[1]!.image_url } },
        ],
      },
    ]);
    const part = (translate(base64ImageRequest).messages[0]!.content as unknown[])[1];
    expect(part).toEqual({
      type: "image_url",
      image_url: { url: base64ImageRequest.input[0]!.content[1]!.image_url, detail: "high" },
    });
    const original = translate({
      model: "m",
      input: [
        { role: "user", content: [{ type: "input_image", image_url: "https://x.test/a.png", detail: "original" }] },
      ],
    });
    expect((original.messages[0]!.content as unknown[])[0]).toEqual({
      type: "image_url",
      image_url: { url: "https://x.test/a.png" },
    });
  });

  it("sends earlier assistant turns as text (output_text and refusal parts joined) and skips empty ones", () => {
    const body = translate({
      model: "m",
      input: [
        { role: "user", content: "hi" },
        {
          type: "message",
          role: "assistant",
          id: "msg_1",
          status: "completed",
          content: [
            { type: "output_text", text: "Hello", annotations: [] },
            { type: "output_text", text: " there" },
          ],
        },
        { role: "assistant", content: [{ type: "refusal", refusal: "I can't help with that." }] },
        { role: "assistant", content: "" },
        { role: "user", content: "ok" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "Hello there" },
      { role: "assistant", content: "I can't help with that." },
      { role: "user", content: "ok" },
    ]);
  });

  it("translates function tools to chat tools (strict and description only when given) and maps every tool_choice", () => {
    const body = translate({
      ...functionCallRequest,
      tools: [weatherTool, { type: "function", name: "now", parameters: null, strict: null, description: null }],
    });
    expect(body.tools).toEqual([weatherFunction, { type: "function", function: { name: "now" } }]);
    expect(body).not.toHaveProperty("tool_choice");
    expect(body).not.toHaveProperty("parallel_tool_calls");
    expect(translate({ ...functionCallRequest, tool_choice: "auto" }).tool_choice).toBe("auto");
    expect(translate({ ...functionCallRequest, tool_choice: "none" }).tool_choice).toBe("none");
    expect(translate({ ...functionCallRequest, tool_choice: "required" }).tool_choice).toBe("required");
    expect(
      translate({ ...functionCallRequest, tool_choice: { type: "function", name: "get_weather" } }).tool_choice,
    ).toEqual({ type: "function", function: { name: "get_weather" } });
    expect(translate({ ...functionCallRequest, parallel_tool_calls: false }).parallel_tool_calls).toBe(false);
  });

  it("refuses a tool_choice that needs tools it does not have; drops the harmless ones", () => {
    expect(refusal({ ...textRequest, tool_choice: "required" })).toEqual({
      status: 400,
      message: 'tool_choice "required" needs tools',
      param: "tool_choice",
    });
    expect(refusal({ ...functionCallRequest, tool_choice: { type: "function", name: "send_email" } })).toMatchObject({
      param: "tool_choice.name",
      message: expect.stringContaining('"send_email"'),
    });
    const body = translate({ ...textRequest, tool_choice: "auto", parallel_tool_calls: true });
    expect(body).not.toHaveProperty("tool_choice");
    expect(body).not.toHaveProperty("parallel_tool_calls");
  });

  it("turns the documented function call round trip into an assistant turn with tool_calls and a tool message", () => {
    expect(translate(functionCallOutputRequest).messages).toEqual([
      { role: "user", content: "What is the weather like in Paris today?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_12345xyz",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"Paris, France"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_12345xyz", content: "14" },
    ]);
  });

  it("makes consecutive function_call items one assistant message, joined to the text turn just before them", () => {
    const body = translate({
      model: "m",
      tools: [weatherTool, emailTool],
      input: [
        { role: "user", content: "Weather in Paris and Bogotá, then mail Bob" },
        { role: "assistant", content: "Checking." },
        ...parallelCallItems,
        ...parallelCallItems.map((c, i) => ({
          type: "function_call_output",
          call_id: c.call_id,
          output: `result ${i}`,
        })),
        { role: "user", content: "thanks" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: "Weather in Paris and Bogotá, then mail Bob" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: parallelCallItems.map((c) => ({
          id: c.call_id,
          type: "function",
          function: { name: c.name, arguments: c.arguments },
        })),
      },
      ...parallelCallItems.map((c, i) => ({ role: "tool", tool_call_id: c.call_id, content: `result ${i}` })),
      { role: "user", content: "thanks" },
    ]);
  });

  it("starts a new assistant turn for calls made after an output (sequential calls)", () => {
    const [a, b] = parallelCallItems;
    const body = translate({
      model: "m",
      input: [
        { role: "user", content: "go" },
        a,
        { type: "function_call_output", call_id: a!.call_id, output: "1" },
        b,
        { type: "function_call_output", call_id: b!.call_id, output: "2" },
      ],
    });
    expect(body.messages.map((m) => [m.role, (m.tool_calls as unknown[] | undefined)?.length ?? 0])).toEqual([
      ["user", 0],
      ["assistant", 1],
      ["tool", 0],
      ["assistant", 1],
      ["tool", 0],
    ]);
  });

  it("refuses an output that answers no call of the run before it", () => {
    expect(
      refusal({
        model: "m",
        input: [
          { role: "user", content: "go" },
          { type: "function_call_output", call_id: "call_nope", output: "x" },
        ],
      }),
    ).toEqual({
      status: 400,
      message:
        'input.1: function_call_output\'s call_id "call_nope" matches no function_call item in the run of calls before it',
      param: "input.1.call_id",
    });
    // A message between the call and its output breaks the pairing chat completions requires.
    const [a] = parallelCallItems;
    expect(
      refusal({
        model: "m",
        input: [
          a,
          { role: "user", content: "wait" },
          { type: "function_call_output", call_id: a!.call_id, output: "x" },
        ],
      }).param,
    ).toBe("input.2.call_id");
  });

  it("sends output parts' text in the tool message and their images after the run of tool messages", () => {
    const [a, b] = parallelCallItems;
    const image = { type: "input_image", image_url: "https://x.test/chart.png" };
    const body = translate({
      model: "m",
      input: [
        a,
        b,
        { type: "function_call_output", call_id: a!.call_id, output: [{ type: "input_text", text: "chart:" }, image] },
        { type: "function_call_output", call_id: b!.call_id, output: [image] },
        { role: "user", content: "and?" },
      ],
    });
    expect(body.messages.slice(1)).toEqual([
      { role: "tool", tool_call_id: a!.call_id, content: [{ type: "text", text: "chart:" }] },
      { role: "tool", tool_call_id: b!.call_id, content: "" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "https://x.test/chart.png" } },
          { type: "image_url", image_url: { url: "https://x.test/chart.png" } },
        ],
      },
      { role: "user", content: "and?" },
    ]);
  });

  it("refuses images outside user messages and tool outputs", () => {
    expect(
      refusal({
        model: "m",
        input: [{ role: "system", content: [{ type: "input_image", image_url: "https://x.test/a.png" }] }],
      }),
    ).toMatchObject({ param: "input.0.content.0", message: expect.stringContaining("only be sent in user messages") });
    expect(
      refusal({
        model: "m",
        input: [
          { role: "user", content: "x" },
          { role: "assistant", content: [{ type: "input_image", image_url: "https://x.test/a.png" }] },
        ],
      }).param,
    ).toBe("input.1.content.0");
  });

  it("maps max_output_tokens, sampling, user, streaming, the text format and the routing fields; never store or metadata", () => {
    const schema = {
      type: "object",
      properties: { answer: { type: "string" } },
      required: ["answer"],
      additionalProperties: false,
    };
    const body = translate({
      ...textRequest,
      stream: true,
      max_output_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      user: "user-7",
      store: true,
      metadata: { ticket: "42" },
      text: { format: { type: "json_schema", name: "answer", schema, strict: true } },
      power_level: "ECO",
      task_type: "code",
      max_cost_usd: 0.5,
    });
    expect(body).toEqual({
      model: "gpt-4.1",
      messages: [{ role: "user", content: textRequest.input }],
      stream: true,
      max_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      user: "user-7",
      response_format: { type: "json_schema", json_schema: { name: "answer", schema, strict: true } },
      power_level: "ECO",
      task_type: "code",
      max_cost_usd: 0.5,
    });
    expect(translate({ ...textRequest, text: { format: { type: "json_object" } } }).response_format).toEqual({
      type: "json_object",
    });
    expect(translate({ ...textRequest, text: { format: { type: "text" } } })).not.toHaveProperty("response_format");
    expect(
      translate({
        ...textRequest,
        text: { format: { type: "json_schema", name: "a", schema, description: "The answer" } },
      }).response_format,
    ).toEqual({ type: "json_schema", json_schema: { name: "a", schema, description: "The answer" } });
  });

  it("gives a body the chat pipeline accepts, which reaches an OpenAI upstream as OpenAI's own chat request", () => {
    const raw = {
      ...functionCallOutputRequest,
      instructions: "Be brief.",
      max_output_tokens: 100,
      tool_choice: "auto",
      parallel_tool_calls: false,
      metadata: { a: "b" },
      store: true,
      power_level: "BALANCED",
    };
    const body = translate(raw);
    expect(chatCompletionSchema.parse(body)).toEqual(body);
    expect(upstreamRequest(body, "gpt-4.1-2025-04-14", 100, "openai-compatible", false)).toEqual({
      model: "gpt-4.1-2025-04-14",
      messages: [{ role: "system", content: "Be brief." }, ...translate(functionCallOutputRequest).messages],
      tools: [weatherFunction],
      tool_choice: "auto",
      parallel_tool_calls: false,
      max_tokens: 100,
    });
  });
});
