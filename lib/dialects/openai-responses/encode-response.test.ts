import { describe, expect, it } from "vitest";
import { encodeResponse, type CompletedResponse } from "./encode-response.ts";
import { echoOf } from "./response-object.ts";
import { responsesRequestSchema } from "./schema.ts";
import {
  BEDTIME_STORY,
  functionCallRequest,
  functionCallResponse,
  parallelCallItems,
  textRequest,
  textResponse,
  weatherTool,
  emailTool,
} from "./test-fixtures.ts";
import { asServed } from "./test-frames.ts";
import { responsesUsage } from "./usage.ts";

const REQ = "0b8e3c1e-5f0a-4f4e-9d1c-1c2a3b4c5d6e";
const echo = (raw: unknown) => echoOf(responsesRequestSchema.parse(raw));

function encode(fields: Partial<CompletedResponse>): ReturnType<typeof encodeResponse> {
  return encodeResponse({
    requestId: REQ,
    created: 1741476542,
    model: "gpt-4.1-2025-04-14",
    text: "",
    toolCalls: [],
    finishReason: "stop",
    usage: responsesUsage({ promptTokens: 10, completionTokens: 5 }, null),
    echo: echo(textRequest),
    ...fields,
  });
}

describe("encodeResponse", () => {
  it("writes OpenAI's documented text response", () => {
    const out = encode({
      text: BEDTIME_STORY,
      usage: responsesUsage({ promptTokens: 36, completionTokens: 87 }, null),
    });
    expect(out).toEqual(
      asServed(textResponse, {
        [textResponse.id as string]: `resp_${REQ}`,
        msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b: `msg_${REQ}_0`,
      }),
    );
  });

  it("writes OpenAI's documented function call response, repeating the request's tools", () => {
    const out = encode({
      echo: echo(functionCallRequest),
      toolCalls: [{ id: "call_12345xyz", name: "get_weather", arguments: '{"location":"Paris, France"}' }],
      finishReason: "tool_calls",
      usage: responsesUsage({ promptTokens: 291, completionTokens: 23 }, null),
    });
    expect(out).toEqual(
      asServed(functionCallResponse, {
        [functionCallResponse.id as string]: `resp_${REQ}`,
        fc_12345xyz: `fc_${REQ}_0`,
      }),
    );
  });

  it("writes parallel calls as one function_call item each, after the turn's text, numbered by output index", () => {
    const out = encode({
      echo: echo({ ...functionCallRequest, tools: [weatherTool, emailTool] }),
      text: "Checking.",
      toolCalls: parallelCallItems.map((c) => ({ id: c.call_id, name: c.name, arguments: c.arguments })),
      finishReason: "tool_calls",
    });
    expect(out.output).toEqual([
      {
        type: "message",
        id: `msg_${REQ}_0`,
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Checking.", annotations: [] }],
      },
      ...parallelCallItems.map((c, i) => ({
        type: "function_call",
        id: `fc_${REQ}_${i + 1}`,
        call_id: c.call_id,
        name: c.name,
        arguments: c.arguments,
        status: "completed",
      })),
    ]);
    expect(out.status).toBe("completed");
  });

  it("gives calls without an upstream id a call_id a client can answer", () => {
    const out = encode({
      toolCalls: [
        { id: "", name: "f", arguments: "{}" },
        { id: "", name: "g", arguments: "{}" },
      ],
      finishReason: "tool_calls",
    });
    expect(out.output.map((o) => o.type === "function_call" && o.call_id)).toEqual([`call_${REQ}_0`, `call_${REQ}_1`]);
  });

  it("says incomplete, with max_output_tokens as the reason and the last item incomplete, when the output limit cut the reply", () => {
    const out = encode({
      text: "Once upon a",
      finishReason: "length",
      echo: echo({ ...textRequest, max_output_tokens: 3 }),
    });
    expect(out).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      max_output_tokens: 3,
      error: null,
    });
    expect(out.output).toEqual([
      {
        type: "message",
        id: `msg_${REQ}_0`,
        status: "incomplete",
        role: "assistant",
        content: [{ type: "output_text", text: "Once upon a", annotations: [] }],
      },
    ]);
    const cutCall = encode({
      text: "Let me",
      toolCalls: [{ id: "call_1", name: "f", arguments: '{"a":' }],
      finishReason: "length",
    });
    expect(cutCall.output.map((o) => o.status)).toEqual(["completed", "incomplete"]);
    expect(encode({ text: "…", finishReason: "content_filter" })).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "content_filter" },
    });
  });

  it("writes a refusal as the message's refusal part", () => {
    const out = encode({ refusal: "I can't help with that." });
    expect(out.output).toEqual([
      {
        type: "message",
        id: `msg_${REQ}_0`,
        status: "completed",
        role: "assistant",
        content: [{ type: "refusal", refusal: "I can't help with that." }],
      },
    ]);
  });

  it("has no output items for an empty reply", () => {
    expect(encode({}).output).toEqual([]);
  });

  it("repeats the request's settings, with OpenAI's defaults where it gave none", () => {
    const format = { type: "json_schema" as const, name: "answer", schema: { type: "object" }, strict: true };
    const out = encode({
      echo: echo({
        ...functionCallRequest,
        instructions: "Be brief.",
        temperature: 0.3,
        top_p: 0.5,
        max_output_tokens: 50,
        tool_choice: "required",
        parallel_tool_calls: false,
        text: { format },
        metadata: { ticket: "42" },
        user: "u-1",
        store: true,
      }),
    });
    expect(out).toMatchObject({
      instructions: "Be brief.",
      temperature: 0.3,
      top_p: 0.5,
      max_output_tokens: 50,
      tool_choice: "required",
      parallel_tool_calls: false,
      text: { format },
      metadata: { ticket: "42" },
      user: "u-1",
      store: false,
      previous_response_id: null,
      tools: [
        {
          type: "function",
          name: "get_weather",
          description: weatherTool.description,
          parameters: weatherTool.parameters,
          strict: true,
        },
      ],
    });
    expect(encode({})).toMatchObject({
      instructions: null,
      temperature: null,
      top_p: null,
      max_output_tokens: null,
      tool_choice: "auto",
      parallel_tool_calls: true,
      text: { format: { type: "text" } },
      metadata: {},
      user: null,
      tools: [],
    });
  });
});

describe("responsesUsage", () => {
  it("reports the charged counts, with the upstream's cached and reasoning tokens as details, never above the totals", () => {
    expect(
      responsesUsage(
        { promptTokens: 100, completionTokens: 40 },
        { prompt_tokens: 90, completion_tokens: 30, cache_read_tokens: 64, reasoning_tokens: 12 },
      ),
    ).toEqual({
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 64 },
      output_tokens: 40,
      output_tokens_details: { reasoning_tokens: 12 },
      total_tokens: 140,
    });
    expect(
      responsesUsage(
        { promptTokens: 10, completionTokens: 5 },
        { prompt_tokens: 900, completion_tokens: 50, cache_read_tokens: 800, reasoning_tokens: 40 },
      ),
    ).toMatchObject({
      input_tokens_details: { cached_tokens: 10 },
      output_tokens_details: { reasoning_tokens: 5 },
    });
  });
});
