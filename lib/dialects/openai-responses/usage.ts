/**
 * Token counts in the Responses API's meaning: input_tokens counts every prompt token (cached ones
 * included, as OpenAI's do), output_tokens every generated one (reasoning included). The counts are
 * what the request was charged for (lib/gateway/reply-dialect.ts ReplyResult); the details come from
 * what the upstream reported, capped so they never claim more than the charged totals.
 */
import type { Usage } from "../../providers/types.ts";

export type ResponsesUsage = {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
};

export type ChargedTokens = { promptTokens: number; completionTokens: number };

export function responsesUsage(charged: ChargedTokens, reported: Usage | null): ResponsesUsage {
  const input = charged.promptTokens;
  const output = charged.completionTokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: Math.min(input, reported?.cache_read_tokens ?? 0) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: Math.min(output, reported?.reasoning_tokens ?? 0) },
    total_tokens: input + output,
  };
}
