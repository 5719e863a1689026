/**
 * OpenAI's Responses API as a reply dialect of the one gateway pipeline (lib/gateway/reply-dialect.ts):
 * the same route, hold, fallbacks, settle and usage row as chat completions, written back as a
 * Response object or its typed event stream. Usage in the reply is what the request was charged
 * for, with the cache and reasoning details the upstream reported.
 *
 * A factory rather than a constant: a Response repeats the request's settings (instructions,
 * tools, sampling; see response-object.ts), which ReplyMeta does not carry.
 */
import type { ReplyDialect, ReplyMeta, ReplyResult } from "../../gateway/reply-dialect.ts";
import { encodeResponse } from "./encode-response.ts";
import { ResponsesStreamEncoder } from "./encode-stream.ts";
import { echoOf } from "./response-object.ts";
import type { ResponsesRequest } from "./schema.ts";
import { responsesUsage, type ResponsesUsage } from "./usage.ts";

const encoder = new TextEncoder();
const bytes = (frames: string[]) => frames.map((f) => encoder.encode(f));

const chargedUsage = (meta: ReplyMeta, result: ReplyResult | null): ResponsesUsage | null =>
  result ? responsesUsage(result, meta.acc.reportedUsage()) : null;

export function responsesDialect(request: ResponsesRequest): ReplyDialect {
  const echo = echoOf(request);
  return {
    name: "responses",
    stream(meta) {
      const enc = new ResponsesStreamEncoder({
        requestId: meta.requestId,
        created: meta.created,
        model: meta.model,
        echo,
      });
      return {
        push: (e) => bytes(enc.push(e)),
        end: (result) => bytes(enc.finish(chargedUsage(meta, result))),
        fail: (message, code, result) => bytes(enc.fail(message, code, chargedUsage(meta, result))),
      };
    },
    body(meta, result) {
      const choice = meta.acc.messageChoices()[0];
      return encodeResponse({
        requestId: meta.requestId,
        created: meta.created,
        model: meta.model,
        text: choice?.message.content ?? "",
        refusal: choice?.message.refusal ?? null,
        toolCalls: (choice?.message.tool_calls ?? []).map((c) => ({
          id: c.id,
          name: c.function.name,
          arguments: c.function.arguments,
        })),
        finishReason: choice?.finish_reason ?? null,
        usage: responsesUsage(result, meta.acc.reportedUsage()),
        echo,
      });
    },
  };
}
