/**
 * Golden examples from Anthropic's Messages API documentation (the request, response and stream
 * examples of "Messages", "Streaming Messages", "Tool use" and "Vision"), as literal objects for
 * the tests of this folder. Streams are lists of `{ event, data }` in the documented order; `ping`
 * frames are kept where the documentation shows them.
 */

export type SseFixture = { event: string; data: Record<string, unknown> }[];

/** The SSE text of a fixture, as Anthropic sends it. */
export function sseText(events: SseFixture): string {
  return events.map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`).join("");
}

// --- A plain text reply -----------------------------------------------------------------------

export const textRequest = {
  model: "claude-3-7-sonnet-20250219",
  max_tokens: 1024,
  messages: [{ role: "user", content: "Hello, Claude" }],
};

export const textResponse = {
  content: [{ text: "Hi! My name is Claude.", type: "text" }],
  id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
  model: "claude-3-7-sonnet-20250219",
  role: "assistant",
  stop_reason: "end_turn",
  stop_sequence: null,
  type: "message",
  usage: { input_tokens: 2095, output_tokens: 503 },
};

// --- The same, streamed ("Basic streaming request") ----------------------------------------

export const streamedTextRequest = {
  model: "claude-3-5-sonnet-20240620",
  messages: [{ role: "user", content: "Hello" }],
  max_tokens: 256,
  stream: true,
};

export const streamedText: SseFixture = [
  {
    event: "message_start",
    data: {
      type: "message_start",
      message: {
        id: "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY",
        type: "message",
        role: "assistant",
        content: [],
        model: "claude-3-5-sonnet-20240620",
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 25, output_tokens: 1 },
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
    data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello" } },
  },
  {
    event: "content_block_delta",
    data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "!" } },
  },
  { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
  {
    event: "message_delta",
    data: {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 15 },
    },
  },
  { event: "message_stop", data: { type: "message_stop" } },
];

// --- Tool use: the request, the tool_use reply, and the round trip with the result -------------

export const weatherTool = {
  name: "get_weather",
  description: "Get the current weather in a given location",
  input_schema: {
    type: "object",
    properties: {
      location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
      unit: {
        type: "string",
        enum: ["celsius", "fahrenheit"],
        description: "The unit of temperature, either 'celsius' or 'fahrenheit'",
      },
    },
    required: ["location"],
  },
};

export const toolRequest = {
  model: "claude-opus-4-1-20250805",
  max_tokens: 1024,
  tools: [weatherTool],
  messages: [{ role: "user", content: "What's the weather like in San Francisco?" }],
};

export const toolUseResponse = {
  id: "msg_01Aq9w938a90dw8q",
  type: "message",
  model: "claude-opus-4-1-20250805",
  stop_reason: "tool_use",
  stop_sequence: null,
  role: "assistant",
  content: [
    { type: "text", text: "I'll check the current weather in San Francisco for you." },
    {
      type: "tool_use",
      id: "toolu_01A09q90qw90lq917835lq9",
      name: "get_weather",
      input: { location: "San Francisco, CA", unit: "celsius" },
    },
  ],
  usage: { input_tokens: 384, output_tokens: 89 },
};

export const toolResultRequest = {
  model: "claude-opus-4-1-20250805",
  max_tokens: 1024,
  tools: [weatherTool],
  messages: [
    { role: "user", content: "What's the weather like in San Francisco?" },
    { role: "assistant", content: toolUseResponse.content },
    {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "toolu_01A09q90qw90lq917835lq9", content: "15 degrees" }],
    },
  ],
};

export const finalTextResponse = {
  id: "msg_01Bq9w938a90dw8q",
  type: "message",
  model: "claude-opus-4-1-20250805",
  stop_reason: "end_turn",
  stop_sequence: null,
  role: "assistant",
  content: [
    {
      type: "text",
      text: "The current weather in San Francisco is 15 degrees Celsius (59 degrees Fahrenheit). It's a cool day in the city by the bay!",
    },
  ],
  usage: { input_tokens: 495, output_tokens: 31 },
};

// --- A streamed tool call ("Streaming request with tool use") -----------------------------

export const streamedToolUse: SseFixture = [
  {
    event: "message_start",
    data: {
      type: "message_start",
      message: {
        id: "msg_014p7gG3wDgGV9EUtLvnow3U",
        type: "message",
        role: "assistant",
        model: "claude-opus-4-1-20250805",
        stop_sequence: null,
        usage: { input_tokens: 472, output_tokens: 2 },
        content: [],
        stop_reason: null,
      },
    },
  },
  {
    event: "content_block_start",
    data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
  },
  { event: "ping", data: { type: "ping" } },
  ...["Okay", ",", " let", "'s", " check", " the", " weather", " for", " San", " Francisco", ",", " CA", ":"].map(
    (text) => ({
      event: "content_block_delta",
      data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } },
    }),
  ),
  { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
  {
    event: "content_block_start",
    data: {
      type: "content_block_start",
      index: 1,
      content_block: { type: "tool_use", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather", input: {} },
    },
  },
  ...["", '{"location":', ' "San', " Francisc", "o,", ' CA"', ", ", '"unit": "fah', 'renheit"}'].map(
    (partial_json) => ({
      event: "content_block_delta",
      data: { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json } },
    }),
  ),
  { event: "content_block_stop", data: { type: "content_block_stop", index: 1 } },
  {
    event: "message_delta",
    data: {
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { output_tokens: 89 },
    },
  },
  { event: "message_stop", data: { type: "message_stop" } },
];

// --- Vision: base64 and URL image sources -------------------------------------------------

export const imageRequest = {
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  messages: [
    {
      role: "user",
      content: [
        {
          type: "image",
          source: {
            type: "base64",
            media_type: "image/jpeg",
            data: "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/",
          },
        },
        {
          type: "image",
          source: {
            type: "url",
            url: "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg",
          },
        },
        { type: "text", text: "Describe this image." },
      ],
    },
  ],
};

// --- System prompt as blocks (the prompt-caching example) ------------------------------------

export const systemBlocksRequest = {
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  system: [
    {
      type: "text",
      text: "You are an AI assistant tasked with analyzing literary works. Your goal is to provide insightful commentary on themes, characters, and writing style.\n",
    },
    { type: "text", text: "<the entire contents of 'Pride and Prejudice'>", cache_control: { type: "ephemeral" } },
  ],
  messages: [{ role: "user", content: "Analyze the major themes in 'Pride and Prejudice'." }],
};

// --- Errors -----------------------------------------------------------------------------------

export const errorExample = {
  type: "error",
  error: { type: "not_found_error", message: "The requested resource could not be found." },
  request_id: "req_011CSHoEeqs5C35K2UUqR7Fy",
};

/** The in-stream error event of a stream that broke after it started. */
export const streamErrorEvent = {
  event: "error",
  data: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
};
