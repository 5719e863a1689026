/**
 * The request body of OpenAI's `POST /v1/responses`, for clients that speak the Responses API to the
 * gateway. Only what translates to chat completions is validated; other fields (`reasoning`,
 * `include`, `truncation`, `service_tier`, `prompt_cache_key`, …) are accepted and dropped: objects
 * are `z.object`, which strips unknown keys, so nothing reaches an upstream that to-chat.ts did not
 * put there (an unknown or priced parameter there is either a 400 from an OpenAI-compatible
 * provider or a cost the hold did not bound).
 *
 * The gateway is stateless: responses are not stored, so the fields that point at stored state
 * (`previous_response_id`, `conversation`, `background`) are refused by name rather than ignored,
 * since ignoring them would answer a different question than the one asked.
 *
 * Sizes: the route's body cap bounds the total; the limits here bound what would otherwise turn
 * into a confusing upstream 400 (OpenAI's 128 tools) or absurd identifiers copied into logs.
 */
import { z } from "zod";
import { routingFields } from "../../gateway/routing-fields.ts";

const MAX_ID = 256;
const MAX_NAME = 128;

const STATELESS = "Switchyard does not store responses; send the conversation as input items";
export const PREVIOUS_RESPONSE_REFUSAL = `previous_response_id is not supported: ${STATELESS}`;
export const CONVERSATION_REFUSAL = `conversation is not supported: ${STATELESS}`;
export const BACKGROUND_REFUSAL =
  "background is not supported: Switchyard does not store responses, so there is nothing to poll later; send the request without it (stream: true to see the reply as it is written)";
export const FUNCTION_TOOLS_ONLY =
  "{label} must be function: only function tools are supported (built-in tools such as web_search, file_search, code_interpreter or MCP are not)";

// A discriminated union that matches no option says only "is not valid"; these sentences (read by
// lib/http/zod-messages.ts from the discriminator's meta, first option) say what would be.
const ITEM_TYPES =
  "{label} must be message (or left out, for a message), function_call or function_call_output; other item types (reasoning, item_reference, built-in tool calls) are not supported";
const PART_TYPES = "{label} must be input_text, input_image, output_text or refusal; input_file is not supported";

const inputText = z.object({
  type: z.literal("input_text").meta({ messages: { invalid_union: PART_TYPES } }),
  text: z.string(),
});
const outputText = z.object({ type: z.literal("output_text"), text: z.string() });
const refusal = z.object({ type: z.literal("refusal"), refusal: z.string() });
const inputImage = z.object({
  type: z.literal("input_image"),
  // Files API references (`file_id`) name a file stored at OpenAI, which no other upstream can read.
  image_url: z
    .string()
    .regex(/^(https?:\/\/\S|data:image\/[\w.+-]+;base64,)/i)
    .meta({
      messages: {
        invalid_type:
          "{label} is required: send images as image_url (an http(s) URL or a data:image/…;base64 URL); file_id (the Files API) is not supported",
        invalid_format: "{label} must be an http(s) URL or a data:image/…;base64 URL",
      },
    }),
  detail: z.enum(["low", "high", "auto", "original"]).nullish(),
});

export const contentPartSchema = z.discriminatedUnion("type", [inputText, inputImage, outputText, refusal]);

const ROLES = { invalid_value: "{label} must be user, assistant, system or developer" };
export const messageItemSchema = z.object({
  type: z
    .literal("message")
    .meta({ messages: { invalid_union: ITEM_TYPES } })
    .optional(),
  role: z.enum(["user", "assistant", "system", "developer"]).meta({ messages: ROLES }),
  content: z.union([z.string(), z.array(contentPartSchema)]),
});

export const functionCallItemSchema = z.object({
  type: z.literal("function_call"),
  call_id: z.string().min(1).max(MAX_ID),
  name: z.string().min(1).max(MAX_NAME),
  arguments: z.string(),
});

const outputPart = z.discriminatedUnion("type", [inputText, inputImage]);
export const functionCallOutputItemSchema = z.object({
  type: z.literal("function_call_output"),
  call_id: z.string().min(1).max(MAX_ID),
  output: z.union([z.string(), z.array(outputPart)]),
});

export const inputItemSchema = z.discriminatedUnion("type", [
  messageItemSchema,
  functionCallItemSchema,
  functionCallOutputItemSchema,
]);

export const functionToolSchema = z.object({
  type: z.literal("function").meta({ messages: { invalid_value: FUNCTION_TOOLS_ONLY } }),
  name: z.string().min(1).max(MAX_NAME),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

export const toolChoiceSchema = z.union([
  z.enum(["auto", "none", "required"]),
  z.object({
    type: z
      .literal("function")
      .meta({ messages: { invalid_value: "{label} must be function: only function tools can be chosen by name" } }),
    name: z.string().min(1).max(MAX_NAME),
  }),
]);

// On the first option only, as above.
const FORMATS = "{label} must be text, json_object or json_schema";
export const textFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text").meta({ messages: { invalid_union: FORMATS } }) }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    name: z.string().min(1).max(MAX_NAME),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullish(),
  }),
]);

/** OpenAI's limits on metadata: 16 pairs, keys up to 64 characters, values up to 512. */
const metadataSchema = z
  .record(z.string().max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, { message: "{label} can have at most 16 keys" });

// Switchyard's routing fields, exactly as the chat-completions body takes them, so a Responses
// client can steer the same router (`extra_body` in OpenAI's SDKs).

export const responsesRequestSchema = z.object({
  model: z
    .string()
    .trim()
    .min(1)
    .max(MAX_NAME * 2),
  input: z.union([z.string(), z.array(inputItemSchema).min(1)]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  tools: z.array(functionToolSchema).max(128).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.object({ format: textFormatSchema.nullish() }).nullish(),
  metadata: metadataSchema.nullish(),
  user: z.string().max(MAX_ID).nullish(),
  /** Accepted for compatibility; nothing is stored either way (the reply says `store: false`). */
  store: z.boolean().nullish(),
  previous_response_id: z
    .null()
    .optional()
    .meta({ messages: { invalid_type: PREVIOUS_RESPONSE_REFUSAL } }),
  conversation: z
    .null()
    .optional()
    .meta({ messages: { invalid_type: CONVERSATION_REFUSAL } }),
  background: z
    .literal(false)
    .nullish()
    .meta({ messages: { invalid_value: BACKGROUND_REFUSAL, invalid_type: BACKGROUND_REFUSAL } }),
  ...routingFields,
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type InputItem = z.infer<typeof inputItemSchema>;
export type MessageItem = z.infer<typeof messageItemSchema>;
export type FunctionCallItem = z.infer<typeof functionCallItemSchema>;
export type FunctionCallOutputItem = z.infer<typeof functionCallOutputItemSchema>;
export type ContentPart = z.infer<typeof contentPartSchema>;
export type FunctionTool = z.infer<typeof functionToolSchema>;
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
export type TextFormat = z.infer<typeof textFormatSchema>;
