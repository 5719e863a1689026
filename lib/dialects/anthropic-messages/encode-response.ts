/**
 * The non-streamed Messages reply, built from what the pipeline produced. The input is a small
 * type of its own so this file does not depend on the accumulator's internals. The route fills it
 * from the pipeline's CompletionAccumulator (lib/gateway/accumulator.ts) once the upstream is done:
 * `text` and `toolCalls` from `messageChoices()[0].message` (content, tool_calls' id / name /
 * arguments), `refusal` from its refusal, `finishReason` from its finish_reason, and `usage` from
 * the counts the request was charged for (prompt and completion tokens) with the cache split of
 * `reportedUsage()`; `id` is the request id (X-Request-Id), `model` the served model id.
 */
import type { Usage } from "../../providers/types.ts";
import { fallbackToolUseId, messageId } from "./ids.ts";
import { anthropicStopReason, type AnthropicStopReason } from "./stop-reason.ts";
import { anthropicUsage, type AnthropicUsage } from "./usage.ts";

export type CompletedToolCall = { id: string; name: string; arguments: string };

export type CompletedMessage = {
  /** The gateway's request id; prefixed `msg_` as Anthropic's ids are. */
  id: string;
  model: string;
  text: string;
  refusal?: string | null;
  toolCalls: readonly CompletedToolCall[];
  finishReason: string | null;
  /** The stop sequence that ended the reply, when the caller can know it (see stop-reason.ts). */
  stopSequence?: string | null;
  usage: Usage | null;
};

export type AnthropicTextBlock = { type: "text"; text: string };
export type AnthropicToolUseBlock = { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };
export type AnthropicContentBlock = AnthropicTextBlock | AnthropicToolUseBlock;

export type AnthropicMessage = {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: string | null;
  usage: AnthropicUsage;
};

export function encodeMessageResponse(done: CompletedMessage): AnthropicMessage {
  const id = messageId(done.id);
  const content: AnthropicContentBlock[] = [];
  const text = done.text + (done.refusal ?? "");
  if (text) content.push({ type: "text", text });
  done.toolCalls.forEach((call, i) => {
    content.push({
      type: "tool_use",
      id: call.id || fallbackToolUseId(id, i),
      name: call.name,
      input: toolInput(call.arguments),
    });
  });
  const stopSequence = done.stopSequence ?? null;
  // An OpenAI refusal usually ends with finish_reason "stop"; Anthropic's word for it is refusal.
  const finishReason =
    done.refusal && (done.finishReason === null || done.finishReason === "stop") ? "content_filter" : done.finishReason;
  const stopReason = anthropicStopReason(finishReason, done.toolCalls.length > 0, stopSequence);
  return {
    id,
    type: "message",
    role: "assistant",
    model: done.model,
    content,
    stop_reason: stopReason,
    stop_sequence: stopReason === "stop_sequence" ? stopSequence : null,
    usage: anthropicUsage(done.usage),
  };
}

/**
 * Anthropic's `input` is always an object. Arguments that are not a JSON object (a call cut off by
 * max_tokens, a model's malformed JSON) become `{}`: a client can parse that, and stop_reason
 * (max_tokens) already says the call is incomplete.
 */
export function toolInput(args: string): Record<string, unknown> {
  if (args.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
