/**
 * The request body of Anthropic's `POST /v1/messages`, as Anthropic documents it, for clients that
 * speak Anthropic to the gateway. Objects are `z.object` (not loose): fields we do not translate
 * (`thinking`, `service_tier`, `cache_control`, `citations`, `container`, …) are accepted and
 * dropped rather than forwarded, because whatever reaches the pipeline may reach an upstream, and
 * an unknown or priced parameter there is either a 400 from an OpenAI-compatible provider or a
 * cost the hold did not bound. Block and tool types we cannot translate are refused by name.
 *
 * Sizes: the route's body cap bounds the total; the limits here bound the pieces that would
 * otherwise turn into a confusing upstream 400 (OpenAI's 4 stop sequences and 128 tools) or into
 * absurd identifiers copied into logs and headers.
 */
import { z } from "zod";
import { routingFields } from "../../gateway/routing-fields.ts";

const MAX_ID = 256;
const MAX_NAME = 128;
const MAX_STOP_SEQUENCE = 1000;

const cacheControl = z.looseObject({ type: z.string() }).nullish();

// A discriminated union that matches no option says only "is not valid"; these sentences (read by
// lib/http/zod-messages.ts from the discriminator's meta) say what would be.
const BLOCK_TYPES =
  "{label} must be a content block type the gateway translates: text, image, document or tool_result in user turns; text, tool_use, thinking or redacted_thinking in assistant turns";
const blockType = <T extends string>(type: T) => z.literal(type).meta({ messages: { invalid_union: BLOCK_TYPES } });
// One sentence for image and document sources: the messages find a field's meta through every
// union option at its path, so the two would otherwise answer for each other.
const SOURCES =
  "{label} must be base64 or url for an image, base64 (a PDF) or text for a document; Files API sources are not supported";
const sourceType = <T extends string>(type: T) => z.literal(type).meta({ messages: { invalid_union: SOURCES } });

export const IMAGE_MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;

const base64ImageSource = z.object({
  type: sourceType("base64"),
  media_type: z.enum(IMAGE_MEDIA_TYPES),
  data: z.string().min(1),
});
const urlImageSource = z.object({ type: sourceType("url"), url: z.url({ protocol: /^https?$/ }) });

export const textBlockSchema = z.object({ type: blockType("text"), text: z.string(), cache_control: cacheControl });
export const imageBlockSchema = z.object({
  type: blockType("image"),
  // Files API sources (`file_id`) are refused: the file lives at Anthropic, no other upstream can read it.
  source: z.discriminatedUnion("type", [base64ImageSource, urlImageSource]),
  cache_control: cacheControl,
});
export const documentBlockSchema = z.object({
  type: blockType("document"),
  source: z.discriminatedUnion("type", [
    z.object({ type: sourceType("base64"), media_type: z.literal("application/pdf"), data: z.string().min(1) }),
    z.object({ type: sourceType("text"), media_type: z.literal("text/plain"), data: z.string() }),
  ]),
  title: z.string().max(500).nullish(),
  context: z.string().nullish(),
  cache_control: cacheControl,
});
export const toolUseBlockSchema = z.object({
  type: blockType("tool_use"),
  id: z.string().min(1).max(MAX_ID),
  name: z.string().min(1).max(MAX_NAME),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});
export const toolResultBlockSchema = z.object({
  type: blockType("tool_result"),
  tool_use_id: z.string().min(1).max(MAX_ID),
  content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textBlockSchema, imageBlockSchema]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});
/** Extended-thinking history: accepted so such conversations parse, dropped in translation (see to-chat.ts). */
const thinkingBlockSchema = z.object({
  type: blockType("thinking"),
  thinking: z.string(),
  signature: z.string().optional(),
});
const redactedThinkingBlockSchema = z.object({ type: blockType("redacted_thinking"), data: z.string() });

export const userBlockSchema = z.discriminatedUnion("type", [
  textBlockSchema,
  imageBlockSchema,
  documentBlockSchema,
  toolResultBlockSchema,
]);
export const assistantBlockSchema = z.discriminatedUnion("type", [
  textBlockSchema,
  toolUseBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
]);

const ROLES = {
  invalid_union: "{label} must be user or assistant (the system prompt goes in the top-level system field)",
};
const userMessage = z.object({
  role: z.literal("user").meta({ messages: ROLES }),
  content: z.union([z.string(), z.array(userBlockSchema)]),
});
const assistantMessage = z.object({
  role: z.literal("assistant").meta({ messages: ROLES }),
  content: z.union([z.string(), z.array(assistantBlockSchema)]),
});
export const messageSchema = z.discriminatedUnion("role", [userMessage, assistantMessage]);

/**
 * Custom (client) tools only. Anthropic's server and versioned tools (web_search_…, bash_…,
 * text_editor_…, computer_…) have no OpenAI equivalent, and some are billed per use beyond tokens.
 */
export const toolSchema = z.object({
  type: z
    .literal("custom")
    .meta({
      messages: {
        invalid_value:
          "Only custom tools (name, description, input_schema) are supported: {label} must be custom or left out; Anthropic's server tools such as web_search are not",
      },
    })
    .optional(),
  name: z.string().min(1).max(MAX_NAME),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal("object") }),
  cache_control: cacheControl,
});

// On the first option only: the messages read the discriminator's meta from the first option that has one.
const CHOICES = { invalid_union: "{label} must be auto, any, tool or none" };
const parallel = { disable_parallel_tool_use: z.boolean().optional() };
export const toolChoiceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto").meta({ messages: CHOICES }), ...parallel }),
  z.object({ type: z.literal("any"), ...parallel }),
  z.object({ type: z.literal("tool"), name: z.string().min(1).max(MAX_NAME), ...parallel }),
  z.object({ type: z.literal("none") }),
]);

// Switchyard's routing fields, exactly as the chat-completions body takes them, so an Anthropic
// client can steer the same router (`extra_body` in Anthropic's SDKs).

export const messagesRequestSchema = z.object({
  model: z
    .string()
    .trim()
    .min(1)
    .max(MAX_NAME * 2),
  max_tokens: z.number().int().positive(),
  messages: z
    .array(messageSchema)
    .min(1)
    .meta({ messages: { too_small: "{label} must contain at least one message" } }),
  system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  stop_sequences: z
    .array(z.string().min(1).max(MAX_STOP_SEQUENCE))
    // OpenAI's limit: a request translated with more would be refused by OpenAI-compatible upstreams.
    .max(4)
    .optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  /** Accepted and dropped: OpenAI's API has no top_k (see to-chat.ts). */
  top_k: z.number().int().nonnegative().optional(),
  stream: z.boolean().optional(),
  tools: z.array(toolSchema).max(128).optional(),
  tool_choice: toolChoiceSchema.optional(),
  metadata: z.object({ user_id: z.string().max(MAX_ID).nullish() }).nullish(),
  ...routingFields,
});

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type MessageParam = z.infer<typeof messageSchema>;
export type UserBlock = z.infer<typeof userBlockSchema>;
export type AssistantBlock = z.infer<typeof assistantBlockSchema>;
export type TextBlockParam = z.infer<typeof textBlockSchema>;
export type ImageBlockParam = z.infer<typeof imageBlockSchema>;
export type DocumentBlockParam = z.infer<typeof documentBlockSchema>;
export type ToolUseBlockParam = z.infer<typeof toolUseBlockSchema>;
export type ToolResultBlockParam = z.infer<typeof toolResultBlockSchema>;
export type ToolParam = z.infer<typeof toolSchema>;
export type ToolChoiceParam = z.infer<typeof toolChoiceSchema>;
