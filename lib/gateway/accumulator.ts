import type { ChunkChoice, ToolCall, Usage, UpstreamEvent } from "../providers/types.ts";
import { countTextTokens } from "../router/tokens.ts";

type ChoiceState = {
  content: string;
  toolCalls: Map<number, ToolCall>;
  finishReason: string | null;
  refusal: string;
  reasoning: string;
};

/**
 * Folds streamed events into what the request produced: the final message per choice (for
 * non-streamed replies), the upstream's usage, and a tokenizer count of the output for when the
 * upstream reports none (a broken or aborted stream).
 */
export class CompletionAccumulator {
  private choices = new Map<number, ChoiceState>();
  /** The upstream's final usage. */
  usage: Usage | null = null;
  /** What the upstream reported before its final count (see UpstreamEvent): the prompt side is final. */
  private partialUsage: Usage | null = null;
  systemFingerprint: string | null = null;
  /** True once any content, reasoning, tool call or finish reason arrived. */
  produced = false;

  add(event: UpstreamEvent): void {
    if (event.type === "usage") {
      if (event.partial) this.partialUsage = event.usage;
      else this.usage = event.usage;
      return;
    }
    const fp = event.raw?.system_fingerprint;
    if (typeof fp === "string") this.systemFingerprint = fp;
    for (const c of event.choices) this.addChoice(c);
  }

  private addChoice(c: ChunkChoice): void {
    let s = this.choices.get(c.index);
    if (!s) {
      s = { content: "", toolCalls: new Map(), finishReason: null, refusal: "", reasoning: "" };
      this.choices.set(c.index, s);
    }
    if (typeof c.delta.content === "string" && c.delta.content) {
      s.content += c.delta.content;
      this.produced = true;
    }
    if (typeof c.delta.refusal === "string") s.refusal += c.delta.refusal;
    // Streamed reasoning (DeepSeek's reasoning_content, Anthropic's thinking) is billed as output.
    if (typeof c.delta.reasoning_content === "string" && c.delta.reasoning_content) {
      s.reasoning += c.delta.reasoning_content;
      this.produced = true;
    }
    for (const tc of c.delta.tool_calls ?? []) {
      this.produced = true;
      const existing = s.toolCalls.get(tc.index);
      if (!existing) {
        s.toolCalls.set(tc.index, {
          id: tc.id ?? "",
          type: "function",
          function: { name: tc.function?.name ?? "", arguments: tc.function?.arguments ?? "" },
        });
      } else {
        if (tc.id) existing.id = tc.id;
        if (tc.function?.name) existing.function.name += tc.function.name;
        if (tc.function?.arguments) existing.function.arguments += tc.function.arguments;
      }
    }
    if (c.finish_reason) {
      s.finishReason = c.finish_reason;
      this.produced = true;
    }
  }

  /** The upstream's own counts of the prompt (final or partial); null when it reported none. */
  reportedUsage(): Usage | null {
    return this.usage ?? this.partialUsage;
  }

  /**
   * Tokens the reply consisted of: the upstream's count, else the tokenizer's count of what
   * arrived (a broken or aborted stream), never below what the upstream said so far.
   */
  completionTokens(): number {
    if (this.usage) return this.usage.completion_tokens;
    let text = "";
    for (const s of this.choices.values()) {
      text += s.content + s.refusal + s.reasoning;
      for (const tc of s.toolCalls.values()) text += tc.function.name + tc.function.arguments;
    }
    return Math.max(this.partialUsage?.completion_tokens ?? 0, text ? countTextTokens(text) : 0);
  }

  /** The OpenAI `choices` of a non-streamed chat.completion. */
  messageChoices() {
    return [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, s]) => {
        const toolCalls = [...s.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, tc]) => tc);
        return {
          index,
          message: {
            role: "assistant" as const,
            content: s.content === "" && toolCalls.length ? null : s.content,
            ...(s.refusal ? { refusal: s.refusal } : { refusal: null }),
            ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: s.finishReason ?? "stop",
        };
      });
  }
}

/** Worth committing to a candidate for: the stream has really started (not just a role header). */
export function isFirstToken(event: UpstreamEvent): boolean {
  if (event.type !== "chunk") return false;
  // Streamed reasoning counts: a reasoning model thinking past the first-token timeout is alive
  // (and billing), not stalled.
  return event.choices.some(
    (c) =>
      (typeof c.delta.content === "string" && c.delta.content !== "") ||
      (typeof c.delta.reasoning_content === "string" && c.delta.reasoning_content !== "") ||
      (c.delta.tool_calls?.length ?? 0) > 0 ||
      c.finish_reason !== null ||
      typeof c.delta.refusal === "string",
  );
}
