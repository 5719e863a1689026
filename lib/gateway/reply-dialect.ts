/**
 * How a reply is written back to the client: one pipeline (route, hold, fallbacks, settle, usage
 * row) and one dialect per API shape. OpenAI's chat completions is the default; the Anthropic
 * Messages dialect (lib/dialects/anthropic-messages) plugs in here too, so a new API shape adds
 * an encoder, never a second copy of the accounting.
 */
import { microsToUsd } from "../money/units.ts";
import { encodeSse } from "../providers/sse.ts";
import type { UpstreamEvent } from "../providers/types.ts";
import type { CompletionAccumulator } from "./accumulator.ts";
import type { GatewayApi } from "./usage-log.ts";

/** What the request was charged, known once it settled. */
export type ReplyResult = {
  chargedMicros: number;
  availableMicros: number;
  promptTokens: number;
  completionTokens: number;
};

export type ReplyMeta = {
  requestId: string;
  completionId: string;
  created: number;
  model: string;
  acc: CompletionAccumulator;
};

/** One streamed reply's frames, in the dialect's own event sequence. */
export interface ReplyStream {
  /** Frames for one upstream event (often none: usage, role-only chunks). */
  push(event: UpstreamEvent): Uint8Array[];
  /** The closing frames of a complete reply (`result` null: it was settled already). */
  end(result: ReplyResult | null): Uint8Array[];
  /** The reply broke after it started, or its accounting failed: the dialect's in-stream error and what closes the stream. */
  fail(message: string, code: "upstream_stream_broken" | "internal_error", result: ReplyResult | null): Uint8Array[];
}

export interface ReplyDialect {
  /** Recorded with the usage row. */
  readonly name: GatewayApi;
  stream(meta: ReplyMeta): ReplyStream;
  /** The non-streamed reply's JSON body. */
  body(meta: ReplyMeta, result: ReplyResult): unknown;
}

export function usageJson(r: ReplyResult) {
  return {
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    total_tokens: r.promptTokens + r.completionTokens,
    cost: microsToUsd(r.chargedMicros),
  };
}

const encoder = new TextEncoder();

/** OpenAI's chat completions: `chat.completion.chunk` frames, a usage chunk, `[DONE]`. */
export const chatCompletionsDialect: ReplyDialect = {
  name: "chat.completions",
  stream(meta) {
    const frame = (choices: unknown, extra: Record<string, unknown> = {}) =>
      encoder.encode(
        encodeSse({
          id: meta.completionId,
          object: "chat.completion.chunk",
          created: meta.created,
          model: meta.model,
          ...(meta.acc.systemFingerprint ? { system_fingerprint: meta.acc.systemFingerprint } : {}),
          choices,
          ...extra,
        }),
      );
    return {
      push: (e) => (e.type === "chunk" && e.choices.length ? [frame(e.choices)] : []),
      end(result) {
        const out = result
          ? [
              frame([], {
                usage: usageJson(result),
                switchyard: { credits_remaining: microsToUsd(result.availableMicros) },
              }),
            ]
          : [];
        out.push(encoder.encode(encodeSse("[DONE]")));
        return out;
      },
      fail(message, code, result) {
        const out = [encoder.encode(encodeSse({ error: { message, type: "api_error", code, param: null } }))];
        if (result) out.push(frame([], { usage: usageJson(result) }));
        return out;
      },
    };
  },
  body(meta, result) {
    return {
      id: meta.completionId,
      object: "chat.completion",
      created: meta.created,
      model: meta.model,
      choices: meta.acc.messageChoices(),
      usage: usageJson(result),
      ...(meta.acc.systemFingerprint ? { system_fingerprint: meta.acc.systemFingerprint } : {}),
    };
  },
};
