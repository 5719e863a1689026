/**
 * Anthropic's Messages API behind the OpenAI contract: the request is translated to a Messages
 * request, and the Messages stream back into `chat.completion.chunk` choices plus usage.
 */
import {
  cancellable,
  errorFromResponse,
  isRecord,
  joinUrl,
  nextSseMessage,
  parseJson,
  postJson,
  upstreamText,
} from "./http.ts";
import type { KnownSecrets } from "../security/scrub.ts";
import { openSseReader, type SseReader } from "./sse.ts";
import {
  UpstreamError,
  type ChatMessage,
  type ChunkChoice,
  type ChunkDelta,
  type ProviderAdapter,
  type ProviderConfig,
  type UpstreamChatRequest,
  type UpstreamEvent,
  type Usage,
} from "./types.ts";
import { anthropicEventSchema, type AnthropicUsage } from "./anthropic-events.ts";

export const ANTHROPIC_VERSION = "2023-06-01";
/** Anthropic requires max_tokens; used when the client gave none. */
export const DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;
type AnthropicMessage = { role: "user" | "assistant"; content: Block[] };

/**
 * `path` ("/messages", "/models") under the API's /v1 root, whether or not the configured base URL
 * already ends in /v1 (`https://api.anthropic.com` and `https://api.anthropic.com/v1` both work).
 */
export function anthropicUrl(baseUrl: string, path: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return /\/v1$/.test(base) ? `${base}${path}` : joinUrl(base, `/v1${path}`);
}

export function createAnthropicAdapter(config: ProviderConfig): ProviderAdapter {
  const url = anthropicUrl(config.baseUrl, "/messages");
  return {
    async stream(request, signal) {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "text/event-stream",
        "anthropic-version": ANTHROPIC_VERSION,
      };
      if (config.apiKey) headers["x-api-key"] = config.apiKey;
      const secrets = [config.apiKey];
      const res = await postJson(url, headers, toAnthropicRequest(request), signal, secrets);
      if (!res.ok) throw await errorFromResponse(res, signal, secrets);
      if (!res.body) throw new UpstreamError("upstream sent an empty body", 502);
      const reader = openSseReader(res.body);
      return cancellable(anthropicEvents(reader, signal, request.model, secrets, jsonToolName(request)), () =>
        reader.cancel(),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Request: OpenAI chat completions → Anthropic Messages

export function toAnthropicRequest(request: UpstreamChatRequest): Record<string, unknown> {
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage["role"], blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: [...blocks] });
  };

  for (const m of request.messages) {
    switch (m.role) {
      case "system":
      case "developer": {
        const text = textOf(m.content);
        if (text) system.push(text);
        break;
      }
      case "user":
        push("user", contentBlocks(m.content));
        break;
      case "assistant":
        push("assistant", [...contentBlocks(m.content), ...toolUseBlocks(m.tool_calls)]);
        break;
      case "tool":
        push("user", [toolResultBlock(m)]);
        break;
      default:
        // Legacy `function` results and unknown roles: keep their text as user input.
        if ((m.role as string) === "function") push("user", [toolResultBlock(m)]);
        else push("user", contentBlocks(m.content));
    }
  }
  // Anthropic wants a user turn's tool_result blocks before anything else in it.
  for (const m of messages) {
    if (m.role === "user" && m.content.some((b) => b.type === "tool_result")) {
      m.content = [
        ...m.content.filter((b) => b.type === "tool_result"),
        ...m.content.filter((b) => b.type !== "tool_result"),
      ];
    }
  }

  const out: Record<string, unknown> = {
    model: request.model,
    messages,
    max_tokens: positiveInt(request.max_tokens) ?? positiveInt(request.max_completion_tokens) ?? DEFAULT_MAX_TOKENS,
    stream: true,
  };
  if (system.length) out.system = system.join("\n\n");
  // OpenAI's temperature runs 0..2, Anthropic's 0..1.
  if (typeof request.temperature === "number") out.temperature = Math.min(1, Math.max(0, request.temperature));
  if (typeof request.top_p === "number") out.top_p = request.top_p;
  if (typeof request.top_k === "number") out.top_k = request.top_k;
  if (isRecord(request.thinking)) out.thinking = request.thinking;
  const stops = (
    typeof request.stop === "string" ? [request.stop] : Array.isArray(request.stop) ? request.stop : []
  ).filter((s): s is string => typeof s === "string" && s.length > 0);
  if (stops.length) out.stop_sequences = stops;
  if (typeof request.user === "string" && request.user) out.metadata = { user_id: request.user };

  const tools = Array.isArray(request.tools)
    ? request.tools.map(toAnthropicTool).filter((t): t is Block => t !== null)
    : [];
  const noParallel = request.parallel_tool_calls === false;
  const jsonTool = jsonToolName(request);
  if (jsonTool) {
    const format = jsonFormatOf(request.response_format)!;
    // The caller's tools under auto: the model calls them or answers in JSON (see JSON mode below).
    const choice: Block =
      tools.length && request.tool_choice !== "none"
        ? { type: "any", ...(noParallel ? { disable_parallel_tool_use: true } : {}) }
        : { type: "tool", name: jsonTool, disable_parallel_tool_use: true };
    out.tools = [...tools, { name: jsonTool, description: format.description, input_schema: format.schema }];
    out.tool_choice = choice;
  } else if (tools.length) {
    out.tools = tools;
    const choice = toAnthropicToolChoice(request.tool_choice, noParallel);
    if (choice) out.tool_choice = choice;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON mode (response_format)
//
// The Messages API has no schema-less JSON mode (OpenAI's json_object), and its own structured
// outputs (`output_config.format`) exist on recent models only, so the adapter asks for JSON the
// way every Claude model with tools honours: a tool whose input schema is the wanted format
// (`{"type":"object"}` for json_object) that the model is made to call. Its input streams back as
// input_json_delta and reaches the client as the message's text with finish_reason "stop", which
// is what an OpenAI client in JSON mode reads. Dropping response_format instead would hand prose
// to a JSON parser; a format this cannot express is refused (400) before anything is sent.
//
// Routing sends JSON requests only to models with the "json" capability, which no seeded
// Anthropic model has: this runs for a model an admin tagged "json". With the caller's own tools
// and tool_choice auto, the JSON tool joins them under tool_choice "any", so the model calls the
// caller's tools or answers in JSON, as OpenAI's models do; a forced tool choice (required, a
// named function) leaves JSON mode out, since the reply is then tool calls. Anthropic refuses a
// forced tool with extended thinking; its 400 reaches the client as it is.

export const JSON_TOOL_NAME = "json_response";

/** The JSON tool's name for this request (unique among the caller's tools), or null when it asks for no JSON. */
export function jsonToolName(request: UpstreamChatRequest): string | null {
  if (request.response_format == null || jsonFormatOf(request.response_format) === null || forcesCallerTool(request))
    return null;
  const taken = new Set(
    (Array.isArray(request.tools) ? request.tools : []).map((t) =>
      isRecord(t) ? (isRecord(t.function) ? t.function.name : t.name) : undefined,
    ),
  );
  let name = JSON_TOOL_NAME;
  while (taken.has(name)) name += "_";
  return name;
}

/** The JSON tool's input schema and description for a response_format; null when it asks for text. */
function jsonFormatOf(format: unknown): { schema: Block; description: string } | null {
  if (!isRecord(format) || format.type === "text") return null;
  const description = "Respond with a JSON object: the whole answer goes in this tool's input.";
  if (format.type === "json_object") return { schema: { type: "object" }, description };
  if (format.type === "json_schema") {
    const spec = isRecord(format.json_schema) ? format.json_schema : {};
    const given = isRecord(spec.schema) ? spec.schema : {};
    // A tool's input is an object; so is the root of an OpenAI structured-output schema.
    if (given.type !== undefined && given.type !== "object")
      throw new UpstreamError(
        "response_format json_schema: an Anthropic model can only be held to a schema whose top level is an object",
        400,
      );
    return {
      schema: { ...given, type: "object" },
      description:
        typeof spec.description === "string" && spec.description ? `${description} ${spec.description}` : description,
    };
  }
  throw new UpstreamError(
    `response_format type ${JSON.stringify(format.type)} is not supported by Anthropic models`,
    400,
  );
}

function forcesCallerTool(request: UpstreamChatRequest): boolean {
  const c = request.tool_choice;
  return (
    Array.isArray(request.tools) &&
    request.tools.length > 0 &&
    (c === "required" || (isRecord(c) && (c.type === "function" || c.type === "any" || c.type === "tool")))
  );
}

function toAnthropicTool(tool: unknown): Block | null {
  if (!isRecord(tool)) return null;
  if (tool.type === "function" && isRecord(tool.function)) {
    const fn = tool.function;
    const out: Block = {
      name: fn.name,
      input_schema: isRecord(fn.parameters) ? fn.parameters : { type: "object", properties: {} },
    };
    if (typeof fn.description === "string") out.description = fn.description;
    return out;
  }
  // Already Anthropic-shaped (custom tools with input_schema, or server tools like web search).
  return tool;
}

function toAnthropicToolChoice(choice: unknown, noParallel: boolean): Block | null {
  let out: Block | null = null;
  if (choice === "auto") out = { type: "auto" };
  else if (choice === "required") out = { type: "any" };
  else if (choice === "none") out = { type: "none" };
  else if (
    isRecord(choice) &&
    choice.type === "function" &&
    isRecord(choice.function) &&
    typeof choice.function.name === "string"
  ) {
    out = { type: "tool", name: choice.function.name };
  } else if (
    isRecord(choice) &&
    typeof choice.type === "string" &&
    ["auto", "any", "tool", "none"].includes(choice.type)
  ) {
    out = { ...choice };
  }
  if (noParallel) {
    if (!out) out = { type: "auto" };
    if (out.type !== "none") out.disable_parallel_tool_use = true;
  }
  return out;
}

function contentBlocks(content: ChatMessage["content"]): Block[] {
  if (typeof content === "string") return content ? [{ type: "text", text: content }] : [];
  if (!Array.isArray(content)) return [];
  const blocks: Block[] = [];
  for (const part of content) {
    const block = partToBlock(part as Record<string, unknown>);
    if (block) blocks.push(block);
  }
  return blocks;
}

function partToBlock(part: Record<string, unknown>): Block | null {
  let block: Block | null;
  if (part.type === "text") {
    block = typeof part.text === "string" && part.text ? { type: "text", text: part.text } : null;
  } else if (part.type === "image_url") {
    const url = isRecord(part.image_url) ? part.image_url.url : part.image_url;
    block = typeof url === "string" ? { type: "image", source: sourceFromUrl(url) } : null;
  } else if (part.type === "file" && isRecord(part.file) && typeof part.file.file_data === "string") {
    block = { type: "document", source: sourceFromUrl(part.file.file_data) };
  } else {
    // Anthropic-native blocks (document, image with source...) pass as they are.
    block = { ...part };
  }
  if (block && part.cache_control !== undefined) block.cache_control = part.cache_control;
  return block;
}

/** `data:` URLs become base64 sources; anything else is fetched by Anthropic from its URL. */
function sourceFromUrl(url: string): Block {
  const m = /^data:([^;,]+)?((?:;[^;,]*)*?)(;base64)?,(.*)$/s.exec(url);
  if (!m) return { type: "url", url };
  const mediaType = m[1] ?? "application/octet-stream";
  const payload = m[4] ?? "";
  const data = m[3] ? payload : Buffer.from(decodeURIComponent(payload), "utf8").toString("base64");
  return { type: "base64", media_type: mediaType, data };
}

function toolUseBlocks(calls: ChatMessage["tool_calls"]): Block[] {
  if (!Array.isArray(calls)) return [];
  return calls.map((call) => ({
    type: "tool_use",
    id: call.id,
    name: call.function?.name,
    input: parseArguments(call.function?.arguments),
  }));
}

function parseArguments(args: unknown): unknown {
  if (isRecord(args)) return args;
  if (typeof args !== "string" || args.trim() === "") return {};
  const parsed = parseJson(args);
  return isRecord(parsed) ? parsed : {};
}

function toolResultBlock(m: ChatMessage): Block {
  const id = m.tool_call_id ?? m.name ?? "";
  const content = typeof m.content === "string" ? m.content : contentBlocks(m.content);
  return { type: "tool_result", tool_use_id: id, content };
}

function textOf(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((p) => (typeof (p as { text?: unknown }).text === "string" ? (p as { text: string }).text : ""))
    .filter(Boolean)
    .join("\n");
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined;
}

// ---------------------------------------------------------------------------------------------
// Response: Anthropic stream events → OpenAI chunks

export function mapStopReason(reason: string | null | undefined): string {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      // end_turn, stop_sequence, pause_turn, or nothing said
      return "stop";
  }
}

/** Status for an Anthropic error type (`error` events and error bodies). */
export function statusForAnthropicError(type: unknown): number {
  switch (type) {
    case "invalid_request_error":
      return 400;
    case "authentication_error":
      return 401;
    case "billing_error":
      return 402;
    case "permission_error":
      return 403;
    case "not_found_error":
      return 404;
    case "request_too_large":
      return 413;
    case "rate_limit_error":
      return 429;
    case "api_error":
      return 500;
    case "timeout_error":
      return 504;
    case "overloaded_error":
      return 529;
    default:
      return 502;
  }
}

/** `jsonTool`: the JSON-mode tool (jsonToolName), whose input is the reply's text rather than a tool call. */
async function* anthropicEvents(
  reader: SseReader,
  signal: AbortSignal,
  requestedModel: string,
  secrets: KnownSecrets,
  jsonTool: string | null = null,
): AsyncGenerator<UpstreamEvent> {
  let id = "";
  let model = requestedModel;
  const created = Math.floor(Date.now() / 1000);
  const tokens = { input: 0, cacheCreation: 0, cacheRead: 0, output: 0, seen: false };
  let stopReason: string | null = null;
  let stopped = false;
  let started = false;
  const toolIndexByBlock = new Map<number, number>();
  const jsonBlocks = new Set<number>();

  const chunk = (delta: ChunkDelta, finishReason: string | null = null): UpstreamEvent => {
    const choices: ChunkChoice[] = [{ index: 0, delta, finish_reason: finishReason }];
    return { type: "chunk", choices, raw: { id, object: "chat.completion.chunk", created, model, choices } };
  };
  const readUsage = (u: AnthropicUsage | undefined) => {
    if (!u) return;
    const {
      input_tokens: input,
      cache_creation_input_tokens: cacheCreation,
      cache_read_input_tokens: cacheRead,
      output_tokens: output,
    } = u;
    if (input !== undefined) tokens.input = input;
    if (cacheCreation !== undefined) tokens.cacheCreation = cacheCreation;
    if (cacheRead !== undefined) tokens.cacheRead = cacheRead;
    if (output !== undefined) tokens.output = output;
    if (input !== undefined || output !== undefined) tokens.seen = true;
  };

  try {
    read: for (;;) {
      const message = await nextSseMessage(reader, signal);
      if (!message) break;
      if (message.data.trim() === "") continue;
      const data = parseJson(message.data);
      if (!isRecord(data)) throw new UpstreamError("upstream sent malformed stream data", 502);
      // A payload without a type is named by its SSE event line.
      const type = typeof data.type === "string" ? data.type : message.event;
      if (type === "content_block_delta") {
        // Every token comes in one of these: walked by hand, not parsed (see anthropic-events.ts).
        const delta = isRecord(data.delta) ? data.delta : {};
        if (delta.type === "text_delta" && typeof delta.text === "string") {
          yield chunk({ content: delta.text });
        } else if (delta.type === "input_json_delta" && typeof delta.partial_json === "string" && delta.partial_json) {
          const blockIndex = typeof data.index === "number" ? data.index : -1;
          const index = toolIndexByBlock.get(blockIndex);
          if (index !== undefined)
            yield chunk({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] });
          else if (jsonBlocks.has(blockIndex)) yield chunk({ content: delta.partial_json });
        } else if (delta.type === "thinking_delta" && typeof delta.thinking === "string") {
          yield chunk({ reasoning_content: delta.thinking });
        }
        continue;
      }
      const parsed = anthropicEventSchema.safeParse(type === data.type ? data : { ...data, type });
      // ping, content_block_stop, and event types added later
      if (!parsed.success) continue;
      const event = parsed.data;
      switch (event.type) {
        case "message_start": {
          const msg = event.message;
          if (msg.id !== undefined) id = msg.id;
          if (msg.model !== undefined) model = msg.model;
          readUsage(msg.usage);
          if (!started) {
            started = true;
            yield chunk({ role: "assistant", content: "" });
          }
          // The prompt's counts are final here; a stream that breaks or is cancelled later is
          // still billed for them (and for the output so far).
          if (tokens.seen) yield { type: "usage", usage: usageOf(tokens), partial: true };
          break;
        }
        case "content_block_start": {
          const block = event.content_block;
          const blockIndex = event.index ?? -1;
          if (block.type === "tool_use" && jsonTool !== null && block.name === jsonTool) {
            jsonBlocks.add(blockIndex);
          } else if (block.type === "tool_use") {
            const index = toolIndexByBlock.size;
            toolIndexByBlock.set(blockIndex, index);
            yield chunk({
              tool_calls: [
                {
                  index,
                  id: String(block.id ?? ""),
                  type: "function",
                  function: { name: String(block.name ?? ""), arguments: "" },
                },
              ],
            });
          } else if (block.type === "text" && block.text) {
            yield chunk({ content: block.text });
          }
          break;
        }
        case "message_delta":
          if (event.delta.stop_reason !== undefined) stopReason = event.delta.stop_reason;
          readUsage(event.usage);
          break;
        case "message_stop":
          stopped = true;
          break read;
        case "error":
          throw new UpstreamError(
            upstreamText(event.error.message || "upstream reported an error", secrets),
            statusForAnthropicError(event.error.type),
          );
      }
    }
  } finally {
    reader.cancel();
  }
  // A clean end after message_delta said why it stopped is complete enough; anything less broke.
  if (!stopped && stopReason === null) throw new UpstreamError("upstream stream broke", 502);
  // The JSON tool alone was called: for the client that is a finished answer, not a tool call.
  const answeredInJson = stopReason === "tool_use" && jsonBlocks.size > 0 && toolIndexByBlock.size === 0;
  yield chunk({}, answeredInJson ? "stop" : mapStopReason(stopReason));
  if (tokens.seen) yield { type: "usage", usage: usageOf(tokens) };
}

/** Anthropic's counts in OpenAI's meaning: its input_tokens leave out the cache, the prompt includes it. */
function usageOf(t: { input: number; cacheCreation: number; cacheRead: number; output: number }): Usage {
  const usage: Usage = { prompt_tokens: t.input + t.cacheCreation + t.cacheRead, completion_tokens: t.output };
  if (t.cacheRead) usage.cache_read_tokens = t.cacheRead;
  if (t.cacheCreation) usage.cache_write_tokens = t.cacheCreation;
  return usage;
}
