/**
 * The pipeline's internal events (OpenAI-chunk-shaped, lib/providers/types.ts) as Anthropic's
 * Messages stream, in its documented order:
 *
 *   message_start
 *   (content_block_start, content_block_delta*, content_block_stop) per block
 *   message_delta (stop_reason, cumulative usage)
 *   message_stop
 *
 * or, when the stream breaks after it started, an `error` event (Anthropic sends no message_stop
 * after one). Blocks follow the order things arrive: a text block, then each tool_use block; a new
 * block starts when the kind or the tool call's index changes.
 *
 * message_start is held back until there is something to show (or the end), because the
 * pipeline's first events are a role-only chunk and, from Anthropic upstreams, the prompt's usage:
 * waiting costs no time (the pipeline already waited for the first token) and gives message_start
 * the real input_tokens instead of 0. When the prompt's count arrives only at the end (OpenAI-
 * compatible upstreams), message_delta carries it, as Anthropic's cumulative message_delta usage does.
 *
 * Reasoning deltas (`reasoning_content`) are not forwarded: Anthropic sends thinking blocks only
 * when the request enabled thinking, which this dialect does not translate.
 */
import { encodeSseEvent } from "../../providers/sse.ts";
import type { ChunkChoice, Usage, UpstreamEvent } from "../../providers/types.ts";
import { anthropicErrorType } from "./errors.ts";
import { fallbackToolUseId, messageId } from "./ids.ts";
import { anthropicStopReason } from "./stop-reason.ts";
import { anthropicUsage, inputSide } from "./usage.ts";

type ToolState = { index: number; id: string; name: string; pending: string; block: number | null };
type OpenBlock = { kind: "text"; block: number } | { kind: "tool"; block: number; tool: ToolState };

export type StreamEncoderOptions = { id: string; model: string };
export type StreamFinish = { usage?: Usage | null; stopSequence?: string | null };

export class MessagesStreamEncoder {
  private readonly id: string;
  private readonly model: string;
  private started = false;
  private ended = false;
  private startUsageKnown = false;
  private usage: Usage | null = null;
  private finishReason: string | null = null;
  private refused = false;
  private nextBlock = 0;
  private open: OpenBlock | null = null;
  private readonly tools = new Map<number, ToolState>();

  constructor(options: StreamEncoderOptions) {
    this.id = messageId(options.id);
    this.model = options.model;
  }

  /** True once message_start went out; before that a failure can still be an HTTP error response. */
  get hasStarted(): boolean {
    return this.started;
  }

  /** Frames for one internal event (often none: usage, role-only chunks). */
  push(event: UpstreamEvent): string[] {
    if (this.ended) return [];
    if (event.type === "usage") {
      this.usage = event.usage;
      return [];
    }
    const out: string[] = [];
    // n is 1 on this path (the chat schema refuses more); other choices cannot exist.
    for (const choice of event.choices) if (choice.index === 0) this.choice(choice, out);
    return out;
  }

  /** The closing frames. `usage` (the counts the request was charged for) overrides what the events said. */
  finish(final: StreamFinish = {}): string[] {
    if (this.ended) return [];
    const out: string[] = [];
    if (final.usage) this.usage = final.usage;
    this.ensureStarted(out);
    // Calls whose name never came still get their block: the client must see every call it will be billed for.
    for (const tool of [...this.tools.values()].sort((a, b) => a.index - b.index))
      if (tool.block === null) this.startTool(tool, out);
    this.closeOpen(out);
    const stopSequence = final.stopSequence ?? null;
    // An OpenAI refusal usually ends with finish_reason "stop"; Anthropic's word for it is refusal.
    const finishReason =
      this.refused && (this.finishReason === null || this.finishReason === "stop")
        ? "content_filter"
        : this.finishReason;
    const stopReason = anthropicStopReason(finishReason, this.tools.size > 0, stopSequence);
    const usage = anthropicUsage(this.usage);
    out.push(
      frame("message_delta", {
        type: "message_delta",
        delta: { stop_reason: stopReason, stop_sequence: stopReason === "stop_sequence" ? stopSequence : null },
        usage:
          this.startUsageKnown || !this.usage
            ? { output_tokens: usage.output_tokens }
            : { ...inputSide(usage), output_tokens: usage.output_tokens },
      }),
    );
    out.push(frame("message_stop", { type: "message_stop" }));
    this.ended = true;
    return out;
  }

  /** Anthropic's in-stream error event, for a stream that breaks after the response started. */
  error(message: string, status = 500): string[] {
    if (this.ended) return [];
    this.ended = true;
    return [frame("error", { type: "error", error: { type: anthropicErrorType(status), message } })];
  }

  /** A keep-alive Anthropic clients know (and ignore), for quiet stretches. */
  ping(): string {
    return frame("ping", { type: "ping" });
  }

  private choice(choice: ChunkChoice, out: string[]): void {
    const d = choice.delta;
    if (typeof d.content === "string" && d.content) this.text(d.content, out);
    if (typeof d.refusal === "string" && d.refusal) {
      this.text(d.refusal, out);
      this.refused = true;
    }
    for (const tc of d.tool_calls ?? []) this.toolDelta(tc, out);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  private text(text: string, out: string[]): void {
    if (this.open?.kind !== "text") {
      this.ensureStarted(out);
      this.closeOpen(out);
      this.open = { kind: "text", block: this.nextBlock++ };
      out.push(
        frame("content_block_start", {
          type: "content_block_start",
          index: this.open.block,
          content_block: { type: "text", text: "" },
        }),
      );
    }
    out.push(
      frame("content_block_delta", {
        type: "content_block_delta",
        index: this.open.block,
        delta: { type: "text_delta", text },
      }),
    );
  }

  private toolDelta(tc: NonNullable<ChunkChoice["delta"]["tool_calls"]>[number], out: string[]): void {
    let tool = this.tools.get(tc.index);
    if (!tool) {
      tool = { index: tc.index, id: "", name: "", pending: "", block: null };
      this.tools.set(tc.index, tool);
    }
    const args = tc.function?.arguments ?? "";
    if (tool.block === null) {
      // Anthropic's content_block_start carries the tool's id and name, so the block waits for the name.
      if (tc.id) tool.id = tc.id;
      if (tc.function?.name) tool.name += tc.function.name;
      tool.pending += args;
      if (tool.name) this.startTool(tool, out);
      return;
    }
    if (!args) return;
    // A fragment for a call whose block already closed happens only with upstreams that interleave
    // parallel calls; it goes out under the call's own index, so clients that assemble input by
    // block index (Anthropic's SDKs do) still get the whole JSON.
    out.push(inputDelta(tool.block, args));
  }

  private startTool(tool: ToolState, out: string[]): void {
    this.ensureStarted(out);
    this.closeOpen(out);
    tool.block = this.nextBlock++;
    this.open = { kind: "tool", block: tool.block, tool };
    const id = tool.id || fallbackToolUseId(this.id, tool.index);
    out.push(
      frame("content_block_start", {
        type: "content_block_start",
        index: tool.block,
        content_block: { type: "tool_use", id, name: tool.name, input: {} },
      }),
    );
    if (tool.pending) out.push(inputDelta(tool.block, tool.pending));
    tool.pending = "";
  }

  private closeOpen(out: string[]): void {
    if (!this.open) return;
    out.push(frame("content_block_stop", { type: "content_block_stop", index: this.open.block }));
    this.open = null;
  }

  private ensureStarted(out: string[]): void {
    if (this.started) return;
    this.started = true;
    this.startUsageKnown = this.usage !== null;
    const usage = anthropicUsage(this.usage);
    out.push(
      frame("message_start", {
        type: "message_start",
        message: {
          id: this.id,
          type: "message",
          role: "assistant",
          content: [],
          model: this.model,
          stop_reason: null,
          stop_sequence: null,
          usage,
        },
      }),
    );
  }
}

function inputDelta(block: number, partialJson: string): string {
  return frame("content_block_delta", {
    type: "content_block_delta",
    index: block,
    delta: { type: "input_json_delta", partial_json: partialJson },
  });
}

function frame(event: string, data: Record<string, unknown>): string {
  return encodeSseEvent(event, data);
}
