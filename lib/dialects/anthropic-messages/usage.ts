/**
 * Token counts in Anthropic's meaning. Internally (lib/providers/types.ts Usage) prompt_tokens
 * counts every prompt token, cache reads and writes included; Anthropic's input_tokens leaves both
 * out and reports them beside it. The cache fields appear only when there was caching, as in
 * Anthropic's documented examples.
 */
import type { Usage } from "../../providers/types.ts";

export type AnthropicUsage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
};

export function anthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  if (!usage) return { input_tokens: 0, output_tokens: 0 };
  const cacheRead = usage.cache_read_tokens ?? 0;
  const cacheWrite = usage.cache_write_tokens ?? 0;
  const out: AnthropicUsage = {
    input_tokens: Math.max(0, usage.prompt_tokens - cacheRead - cacheWrite),
    output_tokens: usage.completion_tokens,
  };
  if (cacheWrite) out.cache_creation_input_tokens = cacheWrite;
  if (cacheRead) out.cache_read_input_tokens = cacheRead;
  return out;
}

/** The prompt side only, for message_delta's cumulative usage when message_start could not know it. */
export function inputSide(usage: AnthropicUsage): Omit<AnthropicUsage, "output_tokens"> {
  const { output_tokens: _output, ...rest } = usage;
  return rest;
}
