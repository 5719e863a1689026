/**
 * An Anthropic Messages request as the gateway's chat-completions body, so `/v1/messages` runs
 * through the one pipeline (router, hold, fallbacks, ledger, usage log) instead of a copy of it.
 * This is the mirror of `toAnthropicRequest` in lib/providers/anthropic.ts: a request translated
 * here and then by that adapter comes back as the same Anthropic request (round-trip.test.ts).
 *
 * What has no OpenAI equivalent is dropped, never invented:
 * - `top_k`: OpenAI's API has none. Kept, it would reach OpenAI-compatible upstreams whenever the
 *   caller's own key (BYOK) serves the request (BYOK forwards every parameter), and OpenAI refuses
 *   unknown parameters with a 400 — an error the caller could not explain.
 * - `tool_result.is_error`: the tool message carries the result's text only.
 * - `thinking` / `redacted_thinking` history blocks, and `cache_control` / `citations` on blocks:
 *   the pipeline neither asks for thinking nor forwards cache hints.
 * - A text block between two tool_use blocks: OpenAI keeps an assistant turn's text apart from its
 *   tool calls, so the turn's text comes first, joined.
 * - Images inside a tool_result: OpenAI's tool messages take text only, so they follow the turn's
 *   tool messages in the user message (before the turn's own blocks).
 * - `stop_sequences` map to `stop`, but which one matched is not reported back (see stop-reason.ts).
 * `stream_options.include_usage` is not set: the pipeline asks upstreams for usage itself and the
 * route reads it from the internal events, not from the OpenAI stream.
 */
import type { ChatCompletionBody } from "../../gateway/chat-request.ts";
import type { ChatMessage, ContentPart, ToolCall } from "../../providers/types.ts";
import { MessagesRequestError } from "./request-error.ts";
import type {
  AssistantBlock,
  DocumentBlockParam,
  ImageBlockParam,
  MessageParam,
  MessagesRequest,
  ToolChoiceParam,
  ToolResultBlockParam,
  UserBlock,
} from "./schema.ts";

export function messagesToChatBody(req: MessagesRequest): ChatCompletionBody {
  const messages: ChatMessage[] = [];
  const system = systemText(req.system);
  if (system) messages.push({ role: "system", content: system });

  // Both Anthropic and OpenAI require a tool result to answer a call of the assistant turn just
  // before it; checking here gives the caller a 400 that names the block instead of an upstream's.
  let openCalls = new Set<string>();
  req.messages.forEach((m, i) => {
    if (m.role === "assistant") {
      const { message, callIds } = assistantMessage(m);
      if (message) messages.push(message);
      openCalls = callIds;
    } else {
      messages.push(...userMessages(m, i, openCalls));
    }
  });

  const body: ChatCompletionBody = { model: req.model, messages, max_tokens: req.max_tokens };
  if (req.stream !== undefined) body.stream = req.stream;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.top_p !== undefined) body.top_p = req.top_p;
  if (req.stop_sequences?.length) body.stop = req.stop_sequences;
  if (req.metadata?.user_id) body.user = req.metadata.user_id;
  Object.assign(body, toolFields(req), routingFields(req));
  return body;
}

function systemText(system: MessagesRequest["system"]): string {
  if (typeof system === "string") return system;
  // One string, not one system message per block: several system messages (or content parts in
  // one) are refused by some OpenAI-compatible servers' chat templates.
  return (system ?? [])
    .map((b) => b.text)
    .filter(Boolean)
    .join("\n\n");
}

function assistantMessage(m: Extract<MessageParam, { role: "assistant" }>): {
  message: ChatMessage | null;
  callIds: Set<string>;
} {
  if (typeof m.content === "string")
    return { message: m.content ? { role: "assistant", content: m.content } : null, callIds: new Set() };
  const text: string[] = [];
  const calls: ToolCall[] = [];
  for (const block of m.content) {
    const call = assistantBlock(block, text);
    if (call) calls.push(call);
  }
  const callIds = new Set(calls.map((c) => c.id));
  // A turn that held only thinking has nothing left to say; an empty assistant message is refused upstream.
  if (text.length === 0 && calls.length === 0) return { message: null, callIds };
  // Text as one string: assistant content-part arrays are the least supported OpenAI form, and
  // Anthropic splits an answer's text into blocks (around citations) that read as one.
  const message: ChatMessage = { role: "assistant", content: text.length ? text.join("") : null };
  if (calls.length) message.tool_calls = calls;
  return { message, callIds };
}

function assistantBlock(block: AssistantBlock, text: string[]): ToolCall | null {
  switch (block.type) {
    case "text":
      if (block.text) text.push(block.text);
      return null;
    case "tool_use":
      return { id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input) } };
    default:
      return null;
  }
}

function userMessages(
  m: Extract<MessageParam, { role: "user" }>,
  at: number,
  openCalls: ReadonlySet<string>,
): ChatMessage[] {
  if (typeof m.content === "string") return [{ role: "user", content: m.content }];
  const tools: ChatMessage[] = [];
  const movedImages: ContentPart[] = [];
  const parts: ContentPart[] = [];
  m.content.forEach((block: UserBlock, j) => {
    if (block.type === "tool_result") {
      if (!openCalls.has(block.tool_use_id)) {
        throw new MessagesRequestError(
          `messages.${at}.content.${j}: tool_result block's tool_use_id "${block.tool_use_id}" matches no tool_use block in the previous assistant message`,
          `messages.${at}.content.${j}.tool_use_id`,
        );
      }
      tools.push(toolMessage(block, movedImages));
    } else {
      parts.push(userPart(block));
    }
  });
  const rest = [...movedImages, ...parts];
  return rest.length ? [...tools, { role: "user", content: rest }] : tools;
}

function toolMessage(block: ToolResultBlockParam, movedImages: ContentPart[]): ChatMessage {
  const content = block.content ?? "";
  if (typeof content === "string") return { role: "tool", tool_call_id: block.tool_use_id, content };
  const texts: ContentPart[] = [];
  for (const b of content) {
    if (b.type === "text") texts.push({ type: "text", text: b.text });
    else movedImages.push(imagePart(b));
  }
  return { role: "tool", tool_call_id: block.tool_use_id, content: texts.length ? texts : "" };
}

function userPart(block: Exclude<UserBlock, ToolResultBlockParam>): ContentPart {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "image":
      return imagePart(block);
    case "document":
      return documentPart(block);
  }
}

function imagePart(block: ImageBlockParam): ContentPart {
  const s = block.source;
  const url = s.type === "base64" ? `data:${s.media_type};base64,${s.data}` : s.url;
  return { type: "image_url", image_url: { url } };
}

/** PDFs as OpenAI's `file` part (the Anthropic adapter turns it back into a document); plain-text documents as text. */
function documentPart(block: DocumentBlockParam): ContentPart {
  const s = block.source;
  if (s.type === "text") return { type: "text", text: s.data };
  return {
    type: "file",
    file: { filename: block.title || "document.pdf", file_data: `data:${s.media_type};base64,${s.data}` },
  };
}

function toolFields(req: MessagesRequest): Partial<ChatCompletionBody> {
  const tools = req.tools ?? [];
  const choice = req.tool_choice;
  if (tools.length === 0) {
    // OpenAI refuses tool_choice and parallel_tool_calls without tools; "auto" and "none" mean
    // nothing then, but forcing a tool that is not there is the caller's mistake.
    if (choice?.type === "any" || choice?.type === "tool")
      throw new MessagesRequestError(`tool_choice "${choice.type}" needs tools`, "tool_choice");
    return {};
  }
  const out: Partial<ChatCompletionBody> = {
    tools: tools.map((t) => ({
      type: "function",
      function: {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.input_schema,
      },
    })),
  };
  if (!choice) return out;
  if (choice.type === "tool" && !tools.some((t) => t.name === choice.name)) {
    throw new MessagesRequestError(
      `tool_choice names the tool "${choice.name}", which is not in tools`,
      "tool_choice.name",
    );
  }
  out.tool_choice = openAiToolChoice(choice);
  if (choice.type !== "none" && choice.disable_parallel_tool_use) out.parallel_tool_calls = false;
  return out;
}

export function openAiToolChoice(choice: ToolChoiceParam): unknown {
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return { type: "function", function: { name: choice.name } };
  }
}

const ROUTING_FIELDS = [
  "power_level",
  "task_type",
  "privacy_required",
  "latency_slo",
  "quality",
  "max_cost_usd",
  "region",
] as const;

function routingFields(req: MessagesRequest): Partial<ChatCompletionBody> {
  const out: Record<string, unknown> = {};
  for (const k of ROUTING_FIELDS) if (req[k] != null) out[k] = req[k];
  return out as Partial<ChatCompletionBody>;
}
