/**
 * Golden examples from OpenAI's Responses API documentation ("Create a model response", "Text
 * generation", "Images and vision", "Function calling", "Streaming API responses"), as literal
 * objects for the tests of this folder. The documented objects are written out in full, with the
 * fields the current API reference and the `openai` package's types add to the older examples:
 * `sequence_number` on every event, `logprobs` on text events, `name` on
 * function_call_arguments.done, `input_tokens_details` in usage.
 *
 * The streams for two interleaved calls, a reply cut by max_output_tokens and a broken stream are
 * not in OpenAI's documentation (OpenAI's own upstream never interleaves; the other two show only
 * as a status and an event type there): they are built from the documented pieces and say so.
 */

export type SseFixture = { event: string; data: Record<string, unknown> }[];

/** The SSE text of a fixture, as OpenAI sends it. */
export function sseText(events: SseFixture): string {
  return events.map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`).join("");
}

type Json = Record<string, unknown>;

/** A Response object with the documented defaults of OpenAI's examples; `fields` override. */
export function openAiResponse(fields: Json): Json {
  return {
    id: "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
    object: "response",
    created_at: 1741476542,
    status: "completed",
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: "gpt-4.1-2025-04-14",
    output: [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1.0,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1.0,
    truncation: "disabled",
    usage: null,
    user: null,
    metadata: {},
    ...fields,
  };
}

// --- A plain text reply ("Create a model response") ------------------------------------------

export const textRequest = { model: "gpt-4.1", input: "Tell me a three sentence bedtime story about a unicorn." };

export const BEDTIME_STORY =
  "In a peaceful grove beneath a silver moon, a unicorn named Lumina discovered a hidden pool that reflected the stars. As she dipped her horn into the water, the pool began to shimmer, revealing a pathway to a magical realm of endless night skies. Filled with wonder, Lumina whispered a wish for all who dream to find their own hidden magic, and as she glanced back, her hoofprints sparkled like stardust.";

export const textResponse = openAiResponse({
  output: [
    {
      type: "message",
      id: "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: BEDTIME_STORY, annotations: [] }],
    },
  ],
  usage: {
    input_tokens: 36,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 87,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 123,
  },
});

// --- Instructions and message roles ("Text generation") ---------------------------------------

export const instructionsRequest = {
  model: "gpt-4.1",
  instructions: "Talk like a pirate.",
  input: "Are semicolons optional in JavaScript?",
};

export const rolesRequest = {
  model: "gpt-4.1",
  input: [
    { role: "developer", content: "Talk like a pirate." },
    { role: "user", content: "Are semicolons optional in JavaScript?" },
  ],
};

// --- Image input ("Images and vision"), by URL and as a data: URL ---------------------------

export const imageRequest = {
  model: "gpt-4.1-mini",
  input: [
    {
      role: "user",
      content: [
        { type: "input_text", text: "what's in this image?" },
        {
          type: "input_image",
          image_url:
            "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg",
        },
      ],
    },
  ],
};

export const base64ImageRequest = {
  model: "gpt-4.1-mini",
  input: [
    {
      role: "user",
      content: [
        { type: "input_text", text: "what's in this image?" },
        {
          type: "input_image",
          image_url:
            "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/",
          detail: "high",
        },
      ],
    },
  ],
};

// --- Function calling: the request, the call, the round trip with its output ----------------

export const weatherTool = {
  type: "function",
  name: "get_weather",
  description: "Get current temperature for a given location.",
  parameters: {
    type: "object",
    properties: { location: { type: "string", description: "City and country e.g. Bogotá, Colombia" } },
    required: ["location"],
    additionalProperties: false,
  },
  strict: true,
};

export const functionCallRequest = {
  model: "gpt-4.1",
  input: [{ role: "user", content: "What is the weather like in Paris today?" }],
  tools: [weatherTool],
};

export const functionCallItem = {
  type: "function_call",
  id: "fc_12345xyz",
  call_id: "call_12345xyz",
  name: "get_weather",
  arguments: '{"location":"Paris, France"}',
};

export const functionCallResponse = openAiResponse({
  tools: [weatherTool],
  output: [{ ...functionCallItem, status: "completed" }],
  usage: {
    input_tokens: 291,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 23,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 314,
  },
});

/** The guide's second request: the call (as the first reply gave it) and its output appended to the input. */
export const functionCallOutputRequest = {
  model: "gpt-4.1",
  input: [
    ...functionCallRequest.input,
    { ...functionCallItem, status: "completed" },
    { type: "function_call_output", call_id: "call_12345xyz", output: "14" },
  ],
  tools: [weatherTool],
};

export const emailTool = {
  type: "function",
  name: "send_email",
  description: "Send an email to a given recipient with a subject and message.",
  parameters: {
    type: "object",
    properties: {
      to: { type: "string", description: "The recipient email address." },
      subject: { type: "string", description: "Email subject line." },
      body: { type: "string", description: "Body of the email message." },
    },
    required: ["to", "subject", "body"],
    additionalProperties: false,
  },
  strict: true,
};

/** The guide's parallel calls, as output items. */
export const parallelCallItems = [
  {
    id: "fc_12345xyz",
    call_id: "call_12345xyz",
    type: "function_call",
    name: "get_weather",
    arguments: '{"location":"Paris, France"}',
  },
  {
    id: "fc_67890abc",
    call_id: "call_67890abc",
    type: "function_call",
    name: "get_weather",
    arguments: '{"location":"Bogotá, Colombia"}',
  },
  {
    id: "fc_99999def",
    call_id: "call_99999def",
    type: "function_call",
    name: "send_email",
    arguments: '{"to":"bob@email.com","body":"Hi bob"}',
  },
];

// --- Streaming text ("Streaming API responses") -------------------------------------------

export const streamedTextRequest = {
  model: "gpt-4.1",
  instructions: "You are a helpful assistant.",
  input: "Hello!",
  stream: true,
};

const STREAM_RESP = "resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654";
const STREAM_MSG = "msg_67c9fdcf37fc8190ba82116e33fb28c507b8b0ad4e5eb654";
export const STREAMED_TEXT_PIECES = ["Hi", " there", "!", " How", " can", " I", " assist", " you", " today", "?"];
const GREETING = STREAMED_TEXT_PIECES.join("");

const streamedTextBase = { id: STREAM_RESP, created_at: 1741290958, instructions: "You are a helpful assistant." };
const greetingMessage = {
  id: STREAM_MSG,
  type: "message",
  status: "completed",
  role: "assistant",
  content: [{ type: "output_text", text: GREETING, annotations: [] }],
};

/** Numbers a documented event list as the current API does. */
function numbered(events: { event: string; data: Json }[]): SseFixture {
  return events.map((e, i) => ({ event: e.event, data: { type: e.event, ...e.data, sequence_number: i } }));
}

export const streamedText: SseFixture = numbered([
  { event: "response.created", data: { response: openAiResponse({ ...streamedTextBase, status: "in_progress" }) } },
  { event: "response.in_progress", data: { response: openAiResponse({ ...streamedTextBase, status: "in_progress" }) } },
  {
    event: "response.output_item.added",
    data: {
      output_index: 0,
      item: { id: STREAM_MSG, type: "message", status: "in_progress", role: "assistant", content: [] },
    },
  },
  {
    event: "response.content_part.added",
    data: {
      item_id: STREAM_MSG,
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [] },
    },
  },
  ...STREAMED_TEXT_PIECES.map((delta) => ({
    event: "response.output_text.delta",
    data: { item_id: STREAM_MSG, output_index: 0, content_index: 0, delta, logprobs: [] },
  })),
  {
    event: "response.output_text.done",
    data: { item_id: STREAM_MSG, output_index: 0, content_index: 0, text: GREETING, logprobs: [] },
  },
  {
    event: "response.content_part.done",
    data: {
      item_id: STREAM_MSG,
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", text: GREETING, annotations: [] },
    },
  },
  { event: "response.output_item.done", data: { output_index: 0, item: greetingMessage } },
  {
    event: "response.completed",
    data: {
      response: openAiResponse({
        ...streamedTextBase,
        output: [greetingMessage],
        usage: {
          input_tokens: 37,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 11,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 48,
        },
      }),
    },
  },
]);

// --- A streamed function call ("Function calling": streaming) -----------------------------

const CALL_RESP = "resp_1234xyz";
export const STREAMED_ARGUMENT_PIECES = ['{"', "location", '":"', "Paris", ",", " France", '"}'];
const callBase = { id: CALL_RESP, created_at: 1741290958, tools: [weatherTool] };
const streamedCallItem = {
  type: "function_call",
  id: "fc_1234xyz",
  call_id: "call_1234xyz",
  name: "get_weather",
  arguments: '{"location":"Paris, France"}',
  status: "completed",
};

export const streamedFunctionCall: SseFixture = numbered([
  { event: "response.created", data: { response: openAiResponse({ ...callBase, status: "in_progress" }) } },
  { event: "response.in_progress", data: { response: openAiResponse({ ...callBase, status: "in_progress" }) } },
  {
    event: "response.output_item.added",
    data: { output_index: 0, item: { ...streamedCallItem, arguments: "", status: "in_progress" } },
  },
  ...STREAMED_ARGUMENT_PIECES.map((delta) => ({
    event: "response.function_call_arguments.delta",
    data: { item_id: "fc_1234xyz", output_index: 0, delta },
  })),
  {
    event: "response.function_call_arguments.done",
    data: { item_id: "fc_1234xyz", output_index: 0, name: "get_weather", arguments: '{"location":"Paris, France"}' },
  },
  { event: "response.output_item.done", data: { output_index: 0, item: streamedCallItem } },
  {
    event: "response.completed",
    data: {
      response: openAiResponse({
        ...callBase,
        output: [streamedCallItem],
        usage: {
          input_tokens: 291,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 23,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 314,
        },
      }),
    },
  },
]);

// --- Built from the documented pieces ---------------------------------------------------------

/**
 * Two parallel calls whose argument pieces arrive interleaved (some OpenAI-compatible upstreams
 * stream them so): each piece under its own call's output_index; both calls close at the end.
 */
export const interleavedCalls = (ids: { resp: string; fc0: string; fc1: string }): SseFixture => {
  const base = { id: ids.resp, created_at: 1741290958, tools: [weatherTool], model: "m" };
  const paris = {
    type: "function_call",
    id: ids.fc0,
    call_id: "call_paris",
    name: "get_weather",
    arguments: '{"location":"Paris, France"}',
    status: "completed",
  };
  const bogota = {
    type: "function_call",
    id: ids.fc1,
    call_id: "call_bogota",
    name: "get_weather",
    arguments: '{"location":"Bogotá, Colombia"}',
    status: "completed",
  };
  const delta = (item: string, output_index: number, d: string) => ({
    event: "response.function_call_arguments.delta",
    data: { item_id: item, output_index, delta: d },
  });
  return numbered([
    { event: "response.created", data: { response: openAiResponse({ ...base, status: "in_progress" }) } },
    { event: "response.in_progress", data: { response: openAiResponse({ ...base, status: "in_progress" }) } },
    {
      event: "response.output_item.added",
      data: { output_index: 0, item: { ...paris, arguments: "", status: "in_progress" } },
    },
    {
      event: "response.output_item.added",
      data: { output_index: 1, item: { ...bogota, arguments: "", status: "in_progress" } },
    },
    delta(ids.fc0, 0, '{"location":'),
    delta(ids.fc1, 1, '{"location":'),
    delta(ids.fc0, 0, '"Paris, France"}'),
    delta(ids.fc1, 1, '"Bogotá, Colombia"}'),
    {
      event: "response.function_call_arguments.done",
      data: { item_id: ids.fc0, output_index: 0, name: "get_weather", arguments: paris.arguments },
    },
    { event: "response.output_item.done", data: { output_index: 0, item: paris } },
    {
      event: "response.function_call_arguments.done",
      data: { item_id: ids.fc1, output_index: 1, name: "get_weather", arguments: bogota.arguments },
    },
    { event: "response.output_item.done", data: { output_index: 1, item: bogota } },
    {
      event: "response.completed",
      data: {
        response: openAiResponse({
          ...base,
          output: [paris, bogota],
          usage: {
            input_tokens: 60,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: 30,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: 90,
          },
        }),
      },
    },
  ]);
};
