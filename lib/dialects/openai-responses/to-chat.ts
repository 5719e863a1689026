/**
 * A Responses request as the gateway's chat-completions body, so `/v1/responses` runs through the
 * one pipeline (router, hold, fallbacks, ledger, usage log) instead of a copy of it.
 *
 * Items become messages in order:
 * - `instructions` is the first system message.
 * - A run of function_call items is one assistant message with several `tool_calls` (how chat
 *   completions says "these calls were made together"); it joins the assistant message just
 *   before it when that one holds only text, since OpenAI's own output lists a turn's text and its
 *   calls as separate items.
 * - function_call_output items are `role: "tool"` messages. Images in an output follow the run of
 *   tool messages as a user message, because chat's tool messages take text only and nothing may
 *   sit between the tool messages answering one assistant turn.
 * - `developer` messages are sent as `system`: OpenAI treats the two alike, while many
 *   OpenAI-compatible servers' chat templates know only system, user, assistant and tool.
 * - Refusal parts of earlier assistant turns are sent as that turn's text: they are what it said.
 *
 * Dropped, never invented: `store`, `metadata` (echoed in the reply, never forwarded: chat
 * completions would store with them), `text.verbosity`, an image's `detail: "original"` (chat
 * knows low, high and auto), and every field the schema does not read.
 * `strict` on a tool is forwarded only when given: OpenAI's Responses API defaults it to true, but
 * a chat upstream would then refuse every schema not written for strict mode.
 */
import type { ChatCompletionBody } from "../../gateway/chat-request.ts";
import type { ChatMessage, ContentPart } from "../../providers/types.ts";
import { ResponsesRequestError } from "./request-error.ts";
import type { FunctionCallOutputItem, InputItem, MessageItem, ResponsesRequest, TextFormat } from "./schema.ts";

export function responsesToChatBody(req: ResponsesRequest): ChatCompletionBody {
  const messages: ChatMessage[] = [];
  if (req.instructions) messages.push({ role: "system", content: req.instructions });
  if (typeof req.input === "string") messages.push({ role: "user", content: req.input });
  else messages.push(...inputMessages(req.input));

  const body: ChatCompletionBody = { model: req.model, messages };
  if (req.stream != null) body.stream = req.stream;
  if (req.max_output_tokens != null) body.max_tokens = req.max_output_tokens;
  if (req.temperature != null) body.temperature = req.temperature;
  if (req.top_p != null) body.top_p = req.top_p;
  if (req.user) body.user = req.user;
  const format = responseFormat(req.text?.format);
  if (format) body.response_format = format;
  Object.assign(body, toolFields(req), routingFields(req));
  return body;
}

function inputMessages(items: readonly InputItem[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  // The assistant message the current run of function_call items adds to, and the call ids an
  // output may answer: those of the latest run. Chat completions (and Anthropic) want a tool result
  // right after the turn that called it; checking here names the item instead of an upstream's 400.
  let calling: (ChatMessage & { tool_calls: NonNullable<ChatMessage["tool_calls"]> }) | null = null;
  let openCalls = new Set<string>();
  let movedImages: ContentPart[] = [];
  const flushImages = () => {
    if (movedImages.length) out.push({ role: "user", content: movedImages });
    movedImages = [];
  };

  items.forEach((item, i) => {
    if (item.type === "function_call") {
      flushImages();
      if (!calling) {
        const prev = out.at(-1);
        if (prev?.role === "assistant" && !prev.tool_calls) calling = Object.assign(prev, { tool_calls: [] });
        else {
          calling = { role: "assistant", content: null, tool_calls: [] };
          out.push(calling);
        }
        openCalls = new Set();
      }
      calling.tool_calls.push({
        id: item.call_id,
        type: "function",
        function: { name: item.name, arguments: item.arguments },
      });
      openCalls.add(item.call_id);
      return;
    }
    calling = null;
    if (item.type === "function_call_output") {
      if (!openCalls.has(item.call_id)) {
        throw new ResponsesRequestError(
          `input.${i}: function_call_output's call_id "${item.call_id}" matches no function_call item in the run of calls before it`,
          `input.${i}.call_id`,
        );
      }
      out.push(toolMessage(item, movedImages));
      return;
    }
    flushImages();
    openCalls = new Set();
    const message = chatMessage(item, i);
    if (message) out.push(message);
  });
  flushImages();
  return out;
}

function toolMessage(item: FunctionCallOutputItem, movedImages: ContentPart[]): ChatMessage {
  if (typeof item.output === "string") return { role: "tool", tool_call_id: item.call_id, content: item.output };
  const texts: ContentPart[] = [];
  for (const part of item.output) {
    if (part.type === "input_text") texts.push({ type: "text", text: part.text });
    else movedImages.push(imagePart(part.image_url, part.detail));
  }
  return { role: "tool", tool_call_id: item.call_id, content: texts.length ? texts : "" };
}

function chatMessage(item: MessageItem, at: number): ChatMessage | null {
  if (item.role === "user") {
    if (typeof item.content === "string") return { role: "user", content: item.content };
    return {
      role: "user",
      content: item.content.map((part) =>
        part.type === "input_image" ? imagePart(part.image_url, part.detail) : { type: "text", text: textOf(part) },
      ),
    };
  }
  // System, developer and assistant messages are text: chat completions takes images from users only.
  const text =
    typeof item.content === "string"
      ? item.content
      : item.content
          .map((part, j) => {
            if (part.type === "input_image")
              throw new ResponsesRequestError(
                `input.${at}.content.${j}: images can only be sent in user messages, not in ${item.role} messages`,
                `input.${at}.content.${j}`,
              );
            return textOf(part);
          })
          .join(item.role === "assistant" ? "" : "\n\n");
  if (item.role === "assistant") return text ? { role: "assistant", content: text } : null;
  return { role: "system", content: text };
}

function textOf(
  part: { type: "input_text" | "output_text"; text: string } | { type: "refusal"; refusal: string },
): string {
  return part.type === "refusal" ? part.refusal : part.text;
}

function imagePart(url: string, detail: string | null | undefined): ContentPart {
  return { type: "image_url", image_url: { url, ...(detail && detail !== "original" ? { detail } : {}) } };
}

function responseFormat(format: TextFormat | null | undefined): ChatCompletionBody["response_format"] {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  const { name, schema, description, strict } = format;
  return {
    type: "json_schema",
    json_schema: {
      name,
      schema,
      ...(description !== undefined ? { description } : {}),
      ...(strict != null ? { strict } : {}),
    },
  };
}

function toolFields(req: ResponsesRequest): Partial<ChatCompletionBody> {
  const tools = req.tools ?? [];
  const choice = req.tool_choice;
  if (tools.length === 0) {
    // OpenAI refuses tool_choice and parallel_tool_calls without tools; "auto" and "none" mean
    // nothing then, but requiring a tool that is not there is the caller's mistake.
    if (choice === "required" || typeof choice === "object")
      throw new ResponsesRequestError(`tool_choice ${JSON.stringify(choice)} needs tools`, "tool_choice");
    return {};
  }
  const out: Partial<ChatCompletionBody> = {
    tools: tools.map((t) => ({
      type: "function",
      function: {
        name: t.name,
        ...(t.description != null ? { description: t.description } : {}),
        ...(t.parameters != null ? { parameters: t.parameters } : {}),
        ...(t.strict != null ? { strict: t.strict } : {}),
      },
    })),
  };
  if (typeof choice === "object" && choice !== null && !tools.some((t) => t.name === choice.name)) {
    throw new ResponsesRequestError(
      `tool_choice names the function "${choice.name}", which is not in tools`,
      "tool_choice.name",
    );
  }
  if (choice != null)
    out.tool_choice = typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } };
  if (req.parallel_tool_calls != null) out.parallel_tool_calls = req.parallel_tool_calls;
  return out;
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

function routingFields(req: ResponsesRequest): Partial<ChatCompletionBody> {
  const out: Record<string, unknown> = {};
  for (const k of ROUTING_FIELDS) if (req[k] != null) out[k] = req[k];
  return out as Partial<ChatCompletionBody>;
}
