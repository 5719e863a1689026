/**
 * Anthropic's Messages API as a reply dialect of the one gateway pipeline (lib/gateway/reply-dialect.ts):
 * the same route, hold, fallbacks, settle and usage row as chat completions, written back in
 * Anthropic's shapes. Usage in the reply is what the request was charged for, with the cache
 * split the upstream reported.
 */
import type { Usage } from "../../providers/types.ts";
import type { ReplyDialect, ReplyMeta, ReplyResult } from "../../gateway/reply-dialect.ts";
import { encodeMessageResponse } from "./encode-response.ts";
import { MessagesStreamEncoder } from "./encode-stream.ts";

const encoder = new TextEncoder();
const bytes = (frames: string[]) => frames.map((f) => encoder.encode(f));

/** The charged counts, with the cache classes the upstream reported (Anthropic reports them apart from input). */
function chargedUsage(meta: ReplyMeta, result: ReplyResult): Usage {
  const reported = meta.acc.reportedUsage();
  return {
    prompt_tokens: result.promptTokens,
    completion_tokens: result.completionTokens,
    ...(reported?.cache_read_tokens ? { cache_read_tokens: reported.cache_read_tokens } : {}),
    ...(reported?.cache_write_tokens ? { cache_write_tokens: reported.cache_write_tokens } : {}),
  };
}

export const messagesDialect: ReplyDialect = {
  name: "messages",
  stream(meta) {
    const enc = new MessagesStreamEncoder({ id: meta.requestId, model: meta.model });
    return {
      push: (e) => bytes(enc.push(e)),
      end: (result) => bytes(enc.finish(result ? { usage: chargedUsage(meta, result) } : {})),
      fail: (message, code) => bytes(enc.error(message, code === "internal_error" ? 500 : 502)),
    };
  },
  body(meta, result) {
    const choice = meta.acc.messageChoices()[0];
    return encodeMessageResponse({
      id: meta.requestId,
      model: meta.model,
      text: choice?.message.content ?? "",
      refusal: choice?.message.refusal ?? null,
      toolCalls: (choice?.message.tool_calls ?? []).map((c) => ({
        id: c.id,
        name: c.function.name,
        arguments: c.function.arguments,
      })),
      finishReason: choice?.finish_reason ?? null,
      usage: chargedUsage(meta, result),
    });
  },
};
