/**
 * OpenAI finish reasons as Anthropic stop reasons, for the non-streamed reply and the stream alike.
 *
 * `stop_sequence` cannot be told from `end_turn` in general: an OpenAI finish reason of "stop"
 * covers both, and the Anthropic adapter folds Anthropic's own stop_sequence into "stop" too. It is
 * reported only when the caller knows which sequence matched and passes it.
 */
export type AnthropicStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

export function anthropicStopReason(
  finishReason: string | null | undefined,
  hasToolUse: boolean,
  stopSequence: string | null = null,
): AnthropicStopReason {
  switch (finishReason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      // Some OpenAI-compatible servers finish a tool call with "stop"; an Anthropic client only
      // runs its tools on tool_use.
      if (hasToolUse) return "tool_use";
      return stopSequence ? "stop_sequence" : "end_turn";
  }
}
