import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "../../tests/doubles/mock-upstream.ts";
import {
  choicesOf,
  closedPort,
  collect,
  collectUntilError,
  finishReasonOf,
  textOf,
  toolCallsOf,
  usageOf,
} from "../../tests/doubles/stream-helpers.ts";
import { sseText, streamedToolUse, type SseFixture } from "../dialects/anthropic-messages/test-fixtures.ts";
import {
  createAnthropicAdapter,
  JSON_TOOL_NAME,
  jsonToolName,
  mapStopReason,
  toAnthropicRequest,
} from "./anthropic.ts";
import { UpstreamError, type ProviderConfig, type UpstreamChatRequest } from "./types.ts";

let mock: MockUpstream;
const config = (over: Partial<ProviderConfig> = {}): ProviderConfig => ({
  slug: "claude",
  kind: "ANTHROPIC",
  baseUrl: mock.url,
  apiKey: "sk-ant-test",
  ...over,
});
const request = (over: Partial<UpstreamChatRequest> = {}): UpstreamChatRequest => ({
  model: "claude-test",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Say hello please" },
  ],
  ...over,
});
const signal = () => new AbortController().signal;

beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock.close();
});
afterEach(() => {
  mock.resetBehavior();
  mock.clearRequests();
});

async function rejection(p: Promise<unknown>): Promise<UpstreamError> {
  const err = await p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

describe("toAnthropicRequest", () => {
  it("extracts system and developer messages and merges same-role turns", () => {
    const out = toAnthropicRequest({
      model: "claude-test",
      messages: [
        { role: "system", content: "Rule one." },
        { role: "developer", content: [{ type: "text", text: "Rule two." }] },
        { role: "user", content: "first" },
        { role: "user", content: [{ type: "text", text: "second" }] },
        { role: "assistant", content: "answer" },
        { role: "user", content: "" },
        { role: "user", content: "third" },
      ],
    });
    expect(out.system).toBe("Rule one.\n\nRule two.");
    expect(out.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "first" },
          { type: "text", text: "second" },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "answer" }] },
      { role: "user", content: [{ type: "text", text: "third" }] },
    ]);
    expect(out.max_tokens).toBe(4096);
    expect(out.stream).toBe(true);
    expect(out).not.toHaveProperty("tools");
  });

  it("translates images: data URLs to base64 sources, http URLs to url sources", () => {
    const out = toAnthropicRequest({
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg", detail: "low" } },
          ],
        },
      ],
    });
    expect((out.messages as { content: unknown[] }[])[0]!.content).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
    ]);
  });

  it("turns tool_calls into tool_use blocks and tool messages into tool_result blocks of one user turn", () => {
    const out = toAnthropicRequest({
      model: "m",
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: "Checking.",
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "18C" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "22C" }] },
        { role: "user", content: "Thanks" },
      ],
    });
    expect(out.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "call_2", name: "get_weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "18C" },
          { type: "tool_result", tool_use_id: "call_2", content: [{ type: "text", text: "22C" }] },
          { type: "text", text: "Thanks" },
        ],
      },
    ]);
  });

  it("maps sampling, stop, user, tools and tool_choice", () => {
    const tools = [
      {
        type: "function",
        function: {
          name: "f",
          description: "does f",
          parameters: { type: "object", properties: { a: { type: "number" } } },
        },
      },
    ];
    const base = { model: "m", messages: [{ role: "user" as const, content: "hi" }], tools };
    const out = toAnthropicRequest({
      ...base,
      max_completion_tokens: 77,
      temperature: 1.5,
      top_p: 0.9,
      stop: "END",
      user: "user-42",
      unknown_field: 1,
    });
    expect(out).toMatchObject({
      max_tokens: 77,
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ["END"],
      metadata: { user_id: "user-42" },
    });
    expect(out.tools).toEqual([
      { name: "f", description: "does f", input_schema: { type: "object", properties: { a: { type: "number" } } } },
    ]);
    expect(out).not.toHaveProperty("unknown_field");
    expect(toAnthropicRequest({ ...base, max_tokens: 10, stop: ["a", "b"] })).toMatchObject({
      max_tokens: 10,
      stop_sequences: ["a", "b"],
    });

    const choice = (tool_choice: unknown, extra = {}) =>
      toAnthropicRequest({ ...base, tool_choice, ...extra }).tool_choice;
    expect(choice("auto")).toEqual({ type: "auto" });
    expect(choice("required")).toEqual({ type: "any" });
    expect(choice("none")).toEqual({ type: "none" });
    expect(choice({ type: "function", function: { name: "f" } })).toEqual({ type: "tool", name: "f" });
    expect(choice(undefined)).toBeUndefined();
    expect(choice("auto", { parallel_tool_calls: false })).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(toAnthropicRequest({ ...base, tools: undefined, tool_choice: "auto" })).not.toHaveProperty("tool_choice");
  });

  it("disables parallel tool use for every tool_choice that lets the model call tools", () => {
    const base = {
      model: "m",
      messages: [{ role: "user" as const, content: "hi" }],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
      parallel_tool_calls: false,
    };
    const choice = (tool_choice: unknown) => toAnthropicRequest({ ...base, tool_choice }).tool_choice;
    expect(choice(undefined)).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(choice("required")).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(choice({ type: "function", function: { name: "f" } })).toEqual({
      type: "tool",
      name: "f",
      disable_parallel_tool_use: true,
    });
    // "none" calls no tool at all: nothing to disable.
    expect(choice("none")).toEqual({ type: "none" });
    // Parallel calls allowed (true or unsaid): Anthropic's default, nothing added.
    expect(toAnthropicRequest({ ...base, parallel_tool_calls: true, tool_choice: "auto" }).tool_choice).toEqual({
      type: "auto",
    });
  });

  it("puts the results of one turn's parallel calls in one user message, in the order given", () => {
    const out = toAnthropicRequest({
      model: "m",
      messages: [
        { role: "user", content: "Weather and time in San Francisco?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "toolu_w",
              type: "function",
              function: { name: "get_weather", arguments: '{"location":"San Francisco, CA"}' },
            },
            {
              id: "toolu_t",
              type: "function",
              function: { name: "get_time", arguments: '{"timezone":"America/Los_Angeles"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "toolu_w", content: "15 degrees" },
        { role: "tool", tool_call_id: "toolu_t", content: "14:05" },
      ],
    });
    expect(out.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather and time in San Francisco?" }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "toolu_w", name: "get_weather", input: { location: "San Francisco, CA" } },
          { type: "tool_use", id: "toolu_t", name: "get_time", input: { timezone: "America/Los_Angeles" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_w", content: "15 degrees" },
          { type: "tool_result", tool_use_id: "toolu_t", content: "14:05" },
        ],
      },
    ]);
  });

  describe("JSON mode (response_format), which the Messages API lacks: a forced tool whose input is the answer", () => {
    const base = { model: "m", messages: [{ role: "user" as const, content: "Give me a city as JSON" }] };
    const schema = {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
      additionalProperties: false,
    };

    it("json_object: one tool taking any object, which the model must call once", () => {
      const out = toAnthropicRequest({ ...base, response_format: { type: "json_object" } });
      expect(out.tools).toEqual([
        { name: JSON_TOOL_NAME, description: expect.stringContaining("JSON object"), input_schema: { type: "object" } },
      ]);
      expect(out.tool_choice).toEqual({ type: "tool", name: JSON_TOOL_NAME, disable_parallel_tool_use: true });
      expect(out).not.toHaveProperty("response_format");
    });

    it("json_schema: the schema becomes the tool's input schema, with its description", () => {
      const out = toAnthropicRequest({
        ...base,
        response_format: {
          type: "json_schema",
          json_schema: { name: "city", description: "A city.", schema, strict: true },
        },
      });
      expect(out.tools).toEqual([
        { name: JSON_TOOL_NAME, description: expect.stringMatching(/ A city\.$/), input_schema: schema },
      ]);
      expect(out.tool_choice).toEqual({ type: "tool", name: JSON_TOOL_NAME, disable_parallel_tool_use: true });
    });

    it("with the caller's tools under auto: their tools or a JSON answer (tool_choice any); forced choices leave JSON out", () => {
      const tools = [
        { type: "function", function: { name: JSON_TOOL_NAME, parameters: { type: "object" } } },
        { type: "function", function: { name: "f", parameters: { type: "object" } } },
      ];
      const auto = toAnthropicRequest({
        ...base,
        tools,
        response_format: { type: "json_object" },
        parallel_tool_calls: false,
      });
      // The caller already has a tool by that name: the JSON tool takes another.
      expect((auto.tools as { name: string }[]).map((t) => t.name)).toEqual([
        JSON_TOOL_NAME,
        "f",
        `${JSON_TOOL_NAME}_`,
      ]);
      expect(auto.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
      expect(jsonToolName({ ...base, tools, response_format: { type: "json_object" } })).toBe(`${JSON_TOOL_NAME}_`);

      for (const tool_choice of ["required", { type: "function", function: { name: "f" } }]) {
        const forced = toAnthropicRequest({ ...base, tools, tool_choice, response_format: { type: "json_object" } });
        expect((forced.tools as { name: string }[]).map((t) => t.name)).toEqual([JSON_TOOL_NAME, "f"]);
        expect(jsonToolName({ ...base, tools, tool_choice, response_format: { type: "json_object" } })).toBeNull();
      }
      // tool_choice none: the caller's tools stay described, the JSON tool is the one called.
      expect(
        toAnthropicRequest({ ...base, tools, tool_choice: "none", response_format: { type: "json_object" } })
          .tool_choice,
      ).toEqual({ type: "tool", name: `${JSON_TOOL_NAME}_`, disable_parallel_tool_use: true });
    });

    it("asks nothing for text, and refuses (400) what a tool's input cannot express", () => {
      expect(toAnthropicRequest({ ...base, response_format: { type: "text" } })).not.toHaveProperty("tools");
      expect(jsonToolName({ ...base, response_format: { type: "text" } })).toBeNull();
      expect(jsonToolName(base)).toBeNull();
      const refused = (response_format: unknown) => {
        try {
          toAnthropicRequest({ ...base, response_format });
        } catch (e) {
          return e instanceof UpstreamError ? [e.status, e.message] : e;
        }
        return "not refused";
      };
      expect(
        refused({
          type: "json_schema",
          json_schema: { name: "list", schema: { type: "array", items: { type: "string" } } },
        }),
      ).toEqual([400, expect.stringContaining("top level is an object")]);
      expect(refused({ type: "grammar", grammar: "root ::= x" })).toEqual([
        400,
        'response_format type "grammar" is not supported by Anthropic models',
      ]);
    });
  });

  it("maps stop reasons", () => {
    expect(["end_turn", "stop_sequence", "max_tokens", "tool_use", "refusal", null].map(mapStopReason)).toEqual([
      "stop",
      "stop",
      "length",
      "tool_calls",
      "content_filter",
      "stop",
    ]);
  });
});

describe("anthropic adapter against the mock upstream", () => {
  it("streams text with usage from message_start and message_delta, system prompt extracted", async () => {
    const events = await collect(await createAnthropicAdapter(config()).stream(request(), signal()));
    expect(events[0]).toMatchObject({
      type: "chunk",
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
    });
    expect(textOf(events)).toBe("Hello from the mock upstream.");
    expect(finishReasonOf(events)).toBe("stop");
    // message_start says output_tokens 1; message_delta's cumulative 6 wins. Input: 3 + 3 words.
    expect(events.at(-1)).toEqual({ type: "usage", usage: { prompt_tokens: 6, completion_tokens: 6 } });
    // The prompt's count is known at message_start: reported at once, as partial.
    expect(events[1]).toEqual({ type: "usage", usage: { prompt_tokens: 6, completion_tokens: 1 }, partial: true });
    const chunk = events[2]!;
    expect(chunk.type === "chunk" && chunk.raw).toMatchObject({
      object: "chat.completion.chunk",
      id: expect.stringMatching(/^msg_mock_/),
      model: "claude-test",
    });

    const got = mock.requests[0]!;
    expect(got.path).toBe("/v1/messages");
    expect(got.body).toEqual({
      model: "claude-test",
      system: "You are terse.",
      messages: [{ role: "user", content: [{ type: "text", text: "Say hello please" }] }],
      max_tokens: 4096,
      stream: true,
    });
  });

  it("sends x-api-key and anthropic-version, never Authorization; no key header without a key", async () => {
    await collect(await createAnthropicAdapter(config()).stream(request(), signal()));
    await collect(
      await createAnthropicAdapter(config({ apiKey: null, baseUrl: `${mock.url}/v1/` })).stream(request(), signal()),
    );
    const [withKey, without] = mock.requests;
    expect(withKey!.headers["x-api-key"]).toBe("sk-ant-test");
    expect(withKey!.headers["anthropic-version"]).toBe("2023-06-01");
    expect(withKey!.headers["content-type"]).toBe("application/json");
    expect(withKey!.headers.authorization).toBeUndefined();
    expect(without!.path).toBe("/v1/messages");
    expect(without!.headers["x-api-key"]).toBeUndefined();
  });

  it("adds cache tokens to the prompt count and reports them as classes of it", async () => {
    mock.setBehavior({ cacheReadTokens: 100, cacheCreationTokens: 20, reasoningTokens: 4 });
    const events = await collect(await createAnthropicAdapter(config()).stream(request(), signal()));
    // 6 uncached + 100 read + 20 written; output 6 pieces + 4 thinking tokens (inside output_tokens).
    expect(usageOf(events)).toEqual({
      prompt_tokens: 126,
      completion_tokens: 10,
      cache_read_tokens: 100,
      cache_write_tokens: 20,
    });
    expect(events.find((e) => e.type === "usage")).toEqual({
      type: "usage",
      usage: { prompt_tokens: 126, completion_tokens: 1, cache_read_tokens: 100, cache_write_tokens: 20 },
      partial: true,
    });
  });

  it("has reported the prompt's classes before a stream breaks, so the break is billed as Anthropic bills it", async () => {
    mock.setBehavior({ cacheReadTokens: 1_000, breakAfterChunks: 2 });
    const { events, error } = await collectUntilError(
      await createAnthropicAdapter(config()).stream(request(), signal()),
    );
    expect((error as UpstreamError).status).toBe(502);
    expect(events.filter((e) => e.type === "usage")).toEqual([
      { type: "usage", usage: { prompt_tokens: 1_006, completion_tokens: 1, cache_read_tokens: 1_000 }, partial: true },
    ]);
  });

  it("rounds fractional counts a careless upstream sends instead of failing the charge", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(
        [
          {
            type: "message_start",
            message: {
              id: "m",
              model: "x",
              usage: { input_tokens: 10.4, cache_read_input_tokens: 2.6, output_tokens: 1 },
            },
          },
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "hi" } },
          { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2.5 } },
          { type: "message_stop" },
        ]
          .map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`)
          .join(""),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const events = await collect(
        await createAnthropicAdapter(
          config({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
        ).stream(request(), signal()),
      );
      expect(usageOf(events)).toEqual({ prompt_tokens: 13, completion_tokens: 3, cache_read_tokens: 3 });
    } finally {
      server.close();
    }
  });

  it("round-trips tools: tool_calls history out, tool_use stream back as tool_calls deltas", async () => {
    mock.setBehavior({
      tokens: ["Let", " me", " check."],
      toolCall: { name: "get_weather", arguments: '{"city":"Paris"}' },
    });
    const req = request({
      messages: [
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "toolu_prev", type: "function", function: { name: "get_weather", arguments: '{"city":"Lyon"}' } },
          ],
        },
        { role: "tool", tool_call_id: "toolu_prev", content: "15C" },
      ],
      tools: [
        {
          type: "function",
          function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
        },
      ],
      tool_choice: "required",
    });
    const events = await collect(await createAnthropicAdapter(config()).stream(req, signal()));
    expect(textOf(events)).toBe("Let me check.");
    expect(toolCallsOf(events)).toEqual([
      { id: expect.stringMatching(/^toolu_mock_/), name: "get_weather", arguments: '{"city":"Paris"}' },
    ]);
    // The tool_use block is content block 1 upstream, but tool call 0 for OpenAI clients.
    const starts = events
      .flatMap((e) => (e.type === "chunk" ? e.choices.flatMap((c) => c.delta.tool_calls ?? []) : []))
      .filter((d) => d.id);
    expect(starts).toEqual([
      { index: 0, id: expect.any(String), type: "function", function: { name: "get_weather", arguments: "" } },
    ]);
    expect(finishReasonOf(events)).toBe("tool_calls");
    // 3 words in; 3 text pieces + 3 argument pieces out
    expect(usageOf(events)).toEqual({ prompt_tokens: 4, completion_tokens: 6 });

    const sent = mock.requests[0]!.body;
    expect(sent.tools).toEqual([
      { name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } },
    ]);
    expect(sent.tool_choice).toEqual({ type: "any" });
    expect(sent.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "toolu_prev", name: "get_weather", input: { city: "Lyon" } }],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_prev", content: "15C" }] },
    ]);
  });

  it("streams parallel tool_use blocks from the mock back as tool calls 0 and 1, and sends parallel_tool_calls false as disable_parallel_tool_use", async () => {
    mock.setBehavior({
      toolCalls: [
        { name: "get_weather", arguments: '{"city":"Paris"}' },
        { name: "get_time", arguments: '{"tz":"Europe/Paris"}' },
      ],
    });
    const tools = ["get_weather", "get_time"].map((name) => ({
      type: "function",
      function: { name, parameters: { type: "object" } },
    }));
    const events = await collect(await createAnthropicAdapter(config()).stream(request({ tools }), signal()));
    expect(toolCallsOf(events).map((c) => [c.name, c.arguments])).toEqual([
      ["get_weather", '{"city":"Paris"}'],
      ["get_time", '{"tz":"Europe/Paris"}'],
    ]);
    expect(finishReasonOf(events)).toBe("tool_calls");

    const one = await collect(
      await createAnthropicAdapter(config()).stream(request({ tools, parallel_tool_calls: false }), signal()),
    );
    expect(mock.requests[1]!.body.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(mock.requests[1]!.parallelToolCalls).toBe(false);
    expect(toolCallsOf(one).map((c) => c.name)).toEqual(["get_weather"]);
  });

  it("JSON mode: the JSON tool's input streams back as the message text, finish stop; other tools still come back as tool calls", async () => {
    mock.setBehavior({ toolCalls: [{ name: JSON_TOOL_NAME, arguments: '{"city":"Paris","country":"France"}' }] });
    const events = await collect(
      await createAnthropicAdapter(config()).stream(request({ response_format: { type: "json_object" } }), signal()),
    );
    expect(JSON.parse(textOf(events))).toEqual({ city: "Paris", country: "France" });
    // In pieces, as the input arrived.
    expect(choicesOf(events).filter((c) => c.delta.content).length).toBeGreaterThanOrEqual(3);
    expect(toolCallsOf(events)).toEqual([]);
    expect(finishReasonOf(events)).toBe("stop");
    expect(mock.requests[0]!.body.tool_choice).toEqual({
      type: "tool",
      name: JSON_TOOL_NAME,
      disable_parallel_tool_use: true,
    });

    // With the caller's tools, the model chose one of them: a tool call as usual.
    mock.setBehavior({ toolCall: { name: "get_weather", arguments: '{"city":"Paris"}' } });
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }];
    const called = await collect(
      await createAnthropicAdapter(config()).stream(
        request({ tools, response_format: { type: "json_object" } }),
        signal(),
      ),
    );
    expect(toolCallsOf(called).map((c) => c.name)).toEqual(["get_weather"]);
    expect(finishReasonOf(called)).toBe("tool_calls");
    expect(mock.requests[1]!.body.tool_choice).toEqual({ type: "any" });
  });

  it("maps max_tokens and stop_sequence stop reasons", async () => {
    const truncated = await collect(
      await createAnthropicAdapter(config()).stream(request({ max_tokens: 2 }), signal()),
    );
    expect(textOf(truncated)).toBe("Hello from");
    expect(finishReasonOf(truncated)).toBe("length");
    expect(usageOf(truncated)).toEqual({ prompt_tokens: 6, completion_tokens: 2 });
    expect(mock.requests[0]!.body.max_tokens).toBe(2);

    mock.setBehavior({ finishReason: "stop_sequence" });
    const stopped = await collect(
      await createAnthropicAdapter(config()).stream(request({ stop: ["upstream"] }), signal()),
    );
    expect(finishReasonOf(stopped)).toBe("stop");
    expect(mock.requests[1]!.body.stop_sequences).toEqual(["upstream"]);
  });

  it("rejects a non-2xx answer with Anthropic's error message and status", async () => {
    mock.setBehavior({ status: 529, errorMessage: "Overloaded" });
    const err = await rejection(createAnthropicAdapter(config()).stream(request(), signal()));
    expect([err.status, err.message]).toEqual([529, "Overloaded"]);

    mock.setBehavior({ status: 400, errorMessage: "messages: at least one message is required" });
    const err2 = await rejection(createAnthropicAdapter(config()).stream(request(), signal()));
    expect([err2.status, err2.message]).toEqual([400, "messages: at least one message is required"]);

    mock.setBehavior({ status: 429, errorMessage: "slow down", retryAfter: 3 });
    const err3 = await rejection(createAnthropicAdapter(config()).stream(request(), signal()));
    expect([err3.status, err3.retryAfterSeconds]).toEqual([429, 3]);
  });

  it("throws from the iterator on an error event (overloaded → 529)", async () => {
    mock.setBehavior({ streamError: { afterChunks: 2, type: "overloaded_error", message: "Overloaded" } });
    const { events, error } = await collectUntilError(
      await createAnthropicAdapter(config()).stream(request(), signal()),
    );
    expect(textOf(events)).toBe("Hello from");
    expect(error).toBeInstanceOf(UpstreamError);
    expect([(error as UpstreamError).status, (error as UpstreamError).message]).toEqual([529, "Overloaded"]);
  });

  it("keeps the key it sent out of the errors of an upstream that echoes it", async () => {
    const adapter = createAnthropicAdapter(config({ apiKey: "plain-words-key" }));
    mock.setBehavior({ status: 500, echoCredentials: true });
    const err = await rejection(adapter.stream(request(), signal()));
    expect([err.status, err.message]).toEqual([
      500,
      "mock error 500: Incorrect API key provided: [redacted]. (x-api-key: [redacted])",
    ]);

    mock.setBehavior({ echoCredentials: true, streamError: { afterChunks: 1, type: "api_error" } });
    const { error } = await collectUntilError(await adapter.stream(request(), signal()));
    expect((error as UpstreamError).message).toBe(
      "mock stream error: Incorrect API key provided: [redacted]. (x-api-key: [redacted])",
    );
  });

  it("throws 502 when the socket breaks mid-stream", async () => {
    mock.setBehavior({ breakAfterChunks: 3 });
    const { events, error } = await collectUntilError(
      await createAnthropicAdapter(config()).stream(request(), signal()),
    );
    expect(textOf(events)).toBe("Hello from the");
    expect([(error as UpstreamError).status, (error as UpstreamError).message]).toEqual([502, "upstream stream broke"]);
  });

  it("rejects with status 0 when nothing listens", async () => {
    const err = await rejection(
      createAnthropicAdapter(config({ baseUrl: `http://127.0.0.1:${await closedPort()}` })).stream(request(), signal()),
    );
    expect(err.status).toBe(0);
  });

  it("aborting mid-stream cuts the upstream request and ends the iterator with 499", async () => {
    mock.setBehavior({ tokens: Array.from({ length: 100 }, (_, i) => ` w${i}`), chunkDelayMs: 20 });
    const ctrl = new AbortController();
    const iterator = (await createAnthropicAdapter(config()).stream(request(), ctrl.signal))[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) expect((await iterator.next()).done).toBe(false);
    ctrl.abort();
    const err = await rejection(iterator.next());
    expect([err.status, err.message]).toEqual([499, "aborted"]);
    const recorded = await mock.waitFor((r) => r.aborted, 1000);
    expect(recorded.finished).toBe(false);
  });
});

describe("Anthropic stream → OpenAI chunks, golden fixtures from Anthropic's documentation", () => {
  /** The adapter's events for a stream served exactly as `fixture` says. */
  async function eventsFor(fixture: SseFixture) {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(sseText(fixture));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      return await collect(
        await createAnthropicAdapter(
          config({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
        ).stream(request(), signal()),
      );
    } finally {
      server.close();
    }
  }
  const deltas = (events: Awaited<ReturnType<typeof eventsFor>>) =>
    choicesOf(events).map((c) => [c.delta, c.finish_reason]);

  it("the streamed tool use example: text deltas, then tool call 0 (content block 1) with its input in pieces, finish tool_calls", async () => {
    const events = await eventsFor(streamedToolUse);
    const text = [
      "Okay",
      ",",
      " let",
      "'s",
      " check",
      " the",
      " weather",
      " for",
      " San",
      " Francisco",
      ",",
      " CA",
      ":",
    ];
    // The empty input_json_delta Anthropic sends first carries nothing and is not passed on.
    const pieces = ['{"location":', ' "San', " Francisc", "o,", ' CA"', ", ", '"unit": "fah', 'renheit"}'];
    expect(deltas(events)).toEqual([
      [{ role: "assistant", content: "" }, null],
      ...text.map((content) => [{ content }, null]),
      [
        {
          tool_calls: [
            {
              index: 0,
              id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
              type: "function",
              function: { name: "get_weather", arguments: "" },
            },
          ],
        },
        null,
      ],
      ...pieces.map((args) => [{ tool_calls: [{ index: 0, function: { arguments: args } }] }, null]),
      [{}, "tool_calls"],
    ]);
    expect(JSON.parse(toolCallsOf(events)[0]!.arguments)).toEqual({
      location: "San Francisco, CA",
      unit: "fahrenheit",
    });
    // message_start's counts at once (partial), message_delta's cumulative output at the end.
    expect(events.filter((e) => e.type === "usage")).toEqual([
      { type: "usage", usage: { prompt_tokens: 472, completion_tokens: 2 }, partial: true },
      { type: "usage", usage: { prompt_tokens: 472, completion_tokens: 89 } },
    ]);
    const first = events.find((e) => e.type === "chunk");
    expect(first?.type === "chunk" && first.raw).toMatchObject({
      id: "msg_014p7gG3wDgGV9EUtLvnow3U",
      object: "chat.completion.chunk",
      model: "claude-opus-4-1-20250805",
    });
  });

  it("two parallel tool_use blocks (content blocks 1 and 2) become tool calls 0 and 1", async () => {
    const events = await eventsFor(parallelToolUse);
    const starts = choicesOf(events)
      .flatMap((c) => c.delta.tool_calls ?? [])
      .filter((d) => d.id);
    expect(starts).toEqual([
      { index: 0, id: "toolu_01A", type: "function", function: { name: "get_weather", arguments: "" } },
      { index: 1, id: "toolu_01B", type: "function", function: { name: "get_time", arguments: "" } },
    ]);
    // Every argument piece carries its own call's index.
    const byIndex = choicesOf(events)
      .flatMap((c) => c.delta.tool_calls ?? [])
      .filter((d) => !d.id)
      .map((d) => d.index);
    expect(byIndex).toEqual([0, 0, 1, 1]);
    expect(toolCallsOf(events).map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([
      ["get_weather", { location: "San Francisco, CA" }],
      ["get_time", { timezone: "America/Los_Angeles" }],
    ]);
    expect(textOf(events)).toBe("I'll check both.");
    expect(finishReasonOf(events)).toBe("tool_calls");
  });
});

/**
 * Anthropic's parallel tool use example (two tool_use blocks after a text block), streamed in the
 * documented event sequence: each block's start, an empty input_json_delta, its pieces, its stop.
 */
const parallelToolUse: SseFixture = [
  {
    event: "message_start",
    data: {
      type: "message_start",
      message: {
        id: "msg_01P",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 512, output_tokens: 1 },
      },
    },
  },
  {
    event: "content_block_start",
    data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
  },
  { event: "ping", data: { type: "ping" } },
  {
    event: "content_block_delta",
    data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "I'll check both." } },
  },
  { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
  ...(
    [
      [1, "toolu_01A", "get_weather", ['{"location":', ' "San Francisco, CA"}']],
      [2, "toolu_01B", "get_time", ['{"timezone": "America/', 'Los_Angeles"}']],
    ] as const
  ).flatMap(([index, id, name, pieces]) => [
    {
      event: "content_block_start",
      data: { type: "content_block_start", index, content_block: { type: "tool_use", id, name, input: {} } },
    },
    {
      event: "content_block_delta",
      data: { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: "" } },
    },
    ...pieces.map((partial_json) => ({
      event: "content_block_delta",
      data: { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } },
    })),
    { event: "content_block_stop", data: { type: "content_block_stop", index } },
  ]),
  {
    event: "message_delta",
    data: {
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { output_tokens: 120 },
    },
  },
  { event: "message_stop", data: { type: "message_stop" } },
];
