/**
 * The pipeline's internal events (OpenAI-chunk-shaped, lib/providers/types.ts) as the Responses
 * API's typed stream, each frame `event: <type>` + `data: {type, …, sequence_number}`, numbered
 * from 0 without gaps:
 *
 *   response.created, response.in_progress
 *   per message item:  response.output_item.added,
 *                      (response.content_part.added, response.output_text.delta* | response.refusal.delta*,
 *                       response.output_text.done | response.refusal.done, response.content_part.done) per part,
 *                      response.output_item.done
 *   per function call: response.output_item.added (arguments ""), response.function_call_arguments.delta*,
 *                      response.function_call_arguments.done, response.output_item.done
 *   response.completed, or response.incomplete (output limit, content filter)
 *
 * or, when the stream breaks after it started, `error` and then `response.failed` (whose response
 * carries `error: {code: "server_error", message}` and the output so far), and nothing after.
 *
 * Items are numbered (output_index) in the order they start. A message closes when a function
 * call starts (text after the calls starts a new message). Function calls stay open until the
 * reply ends: chat-completions streams never say a call is finished, and some upstreams interleave
 * the argument pieces of parallel calls (keyed by their `index`), so a call closed early could
 * still receive arguments. Each piece goes out under its own call's output_index, so clients
 * that assemble arguments per item (OpenAI's SDKs do) get every call whole.
 *
 * A call's output_item.added waits for its name (the item carries it), buffering any arguments
 * that came first. Reasoning deltas (`reasoning_content`) are not forwarded: this dialect
 * translates text and function calls only; their tokens are still in output_tokens.
 */
import { encodeSseEvent } from "../../providers/sse.ts";
import type { ChunkChoice, UpstreamEvent } from "../../providers/types.ts";
import { fallbackCallId, itemId, responseId } from "./ids.ts";
import {
  responseObject,
  type FunctionCallOutput,
  type ItemStatus,
  type MessageOutput,
  type OutputItem,
  type ResponseEcho,
  type ResponseObject,
} from "./response-object.ts";
import { responseStatus } from "./status.ts";
import type { ResponsesUsage } from "./usage.ts";

type Part = { kind: "output_text" | "refusal"; text: string; open: boolean };
/** `status` stays in_progress until the item's output_item.done, then says how it closed. */
type MessageState = { kind: "message"; outputIndex: number; id: string; parts: Part[]; status: ItemStatus };
type CallState = {
  kind: "function_call";
  index: number;
  outputIndex: number | null;
  id: string;
  callId: string;
  name: string;
  args: string;
  pending: string;
  status: ItemStatus;
};
type ItemState = MessageState | CallState;
type ToolCallDelta = NonNullable<ChunkChoice["delta"]["tool_calls"]>[number];

export type StreamEncoderOptions = { requestId: string; created: number; model: string; echo: ResponseEcho };

export class ResponsesStreamEncoder {
  private seq = 0;
  private started = false;
  private ended = false;
  private finishReason: string | null = null;
  /** Items in output order, once added. */
  private readonly items: ItemState[] = [];
  private message: MessageState | null = null;
  private readonly calls = new Map<number, CallState>();

  constructor(private readonly options: StreamEncoderOptions) {}

  /** True once response.created went out. */
  get hasStarted(): boolean {
    return this.started;
  }

  /** Frames for one internal event (the first event also opens the response). */
  push(event: UpstreamEvent): string[] {
    if (this.ended) return [];
    const out: string[] = [];
    this.ensureStarted(out);
    if (event.type === "usage") return out;
    // n is 1 on this path (the Responses API has no n); other choices cannot exist.
    for (const choice of event.choices) if (choice.index === 0) this.choice(choice, out);
    return out;
  }

  /** The closing frames of a complete reply. `usage`: what the request was charged for (null: unknown here). */
  finish(usage: ResponsesUsage | null): string[] {
    if (this.ended) return [];
    const out: string[] = [];
    this.ensureStarted(out);
    // Calls whose name never came still get their item: the client must see every call it is billed for.
    for (const call of [...this.calls.values()].sort((a, b) => a.index - b.index))
      if (call.outputIndex === null) this.addCall(call, out);
    const { status, incomplete_details } = responseStatus(this.finishReason);
    const last = this.items.at(-1);
    for (const item of this.items)
      if (item.status === "in_progress")
        this.closeItem(item, status === "incomplete" && item === last ? "incomplete" : "completed", out);
    this.ended = true;
    const response = this.response(status, usage, { incompleteDetails: incomplete_details });
    out.push(this.frame(status === "incomplete" ? "response.incomplete" : "response.completed", { response }));
    return out;
  }

  /** The reply broke after it started (or its accounting failed): `error`, then `response.failed` with what was produced. */
  fail(message: string, code: string, usage: ResponsesUsage | null): string[] {
    if (this.ended) return [];
    const out: string[] = [];
    this.ensureStarted(out);
    this.ended = true;
    out.push(this.frame("error", { code, message, param: null }));
    const response = this.response("failed", usage, { error: { code: "server_error", message } });
    out.push(this.frame("response.failed", { response }));
    return out;
  }

  private choice(choice: ChunkChoice, out: string[]): void {
    const d = choice.delta;
    if (typeof d.content === "string" && d.content) this.text("output_text", d.content, out);
    if (typeof d.refusal === "string" && d.refusal) this.text("refusal", d.refusal, out);
    for (const tc of d.tool_calls ?? []) this.toolDelta(tc, out);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  private text(kind: Part["kind"], delta: string, out: string[]): void {
    const msg = this.openMessage(out);
    let part = msg.parts.at(-1);
    if (!part?.open || part.kind !== kind) {
      if (part?.open) this.closePart(msg, part, out);
      part = { kind, text: "", open: true };
      msg.parts.push(part);
      out.push(
        this.frame("response.content_part.added", {
          item_id: msg.id,
          output_index: msg.outputIndex,
          content_index: msg.parts.length - 1,
          part: partJson({ ...part, text: "" }),
        }),
      );
    }
    part.text += delta;
    const at = { item_id: msg.id, output_index: msg.outputIndex, content_index: msg.parts.length - 1, delta };
    out.push(
      kind === "output_text"
        ? this.frame("response.output_text.delta", { ...at, logprobs: [] })
        : this.frame("response.refusal.delta", at),
    );
  }

  private openMessage(out: string[]): MessageState {
    if (this.message) return this.message;
    const outputIndex = this.items.length;
    const msg: MessageState = {
      kind: "message",
      outputIndex,
      id: itemId(this.options.requestId, "message", outputIndex),
      parts: [],
      status: "in_progress",
    };
    this.items.push(msg);
    this.message = msg;
    out.push(
      this.frame("response.output_item.added", { output_index: outputIndex, item: itemJson(msg, "in_progress") }),
    );
    return msg;
  }

  private closePart(msg: MessageState, part: Part, out: string[]): void {
    part.open = false;
    const at = { item_id: msg.id, output_index: msg.outputIndex, content_index: msg.parts.indexOf(part) };
    out.push(
      part.kind === "output_text"
        ? this.frame("response.output_text.done", { ...at, text: part.text, logprobs: [] })
        : this.frame("response.refusal.done", { ...at, refusal: part.text }),
    );
    out.push(this.frame("response.content_part.done", { ...at, part: partJson(part) }));
  }

  private toolDelta(tc: ToolCallDelta, out: string[]): void {
    let call = this.calls.get(tc.index);
    if (!call) {
      call = {
        kind: "function_call",
        index: tc.index,
        outputIndex: null,
        id: "",
        callId: "",
        name: "",
        args: "",
        pending: "",
        status: "in_progress",
      };
      this.calls.set(tc.index, call);
    }
    const args = tc.function?.arguments ?? "";
    if (call.outputIndex === null) {
      if (tc.id) call.callId = tc.id;
      if (tc.function?.name) call.name += tc.function.name;
      call.pending += args;
      if (call.name) this.addCall(call, out);
      return;
    }
    if (!args) return;
    call.args += args;
    out.push(
      this.frame("response.function_call_arguments.delta", {
        item_id: call.id,
        output_index: call.outputIndex,
        delta: args,
      }),
    );
  }

  private addCall(call: CallState, out: string[]): void {
    if (this.message) this.closeItem(this.message, "completed", out);
    const outputIndex = this.items.length;
    call.outputIndex = outputIndex;
    call.id = itemId(this.options.requestId, "function_call", outputIndex);
    call.callId ||= fallbackCallId(this.options.requestId, call.index);
    this.items.push(call);
    out.push(
      this.frame("response.output_item.added", { output_index: outputIndex, item: itemJson(call, "in_progress") }),
    );
    if (call.pending) {
      call.args = call.pending;
      call.pending = "";
      out.push(
        this.frame("response.function_call_arguments.delta", {
          item_id: call.id,
          output_index: outputIndex,
          delta: call.args,
        }),
      );
    }
  }

  private closeItem(item: ItemState, status: ItemStatus, out: string[]): void {
    item.status = status;
    if (item.kind === "message") {
      const part = item.parts.at(-1);
      if (part?.open) this.closePart(item, part, out);
      if (this.message === item) this.message = null;
    } else {
      out.push(
        this.frame("response.function_call_arguments.done", {
          item_id: item.id,
          output_index: item.outputIndex,
          name: item.name,
          arguments: item.args,
        }),
      );
    }
    out.push(this.frame("response.output_item.done", { output_index: item.outputIndex, item: itemJson(item, status) }));
  }

  private ensureStarted(out: string[]): void {
    if (this.started) return;
    this.started = true;
    const response = this.response("in_progress", null);
    out.push(this.frame("response.created", { response }));
    out.push(this.frame("response.in_progress", { response }));
  }

  /** The Response object now: closed items as they closed, open ones (a failed reply's) incomplete. */
  private response(
    status: ResponseObject["status"],
    usage: ResponsesUsage | null,
    extra: { incompleteDetails?: ResponseObject["incomplete_details"]; error?: ResponseObject["error"] } = {},
  ): ResponseObject {
    const output: OutputItem[] =
      status === "in_progress"
        ? []
        : this.items.map((item) => itemJson(item, item.status === "in_progress" ? "incomplete" : item.status));
    return responseObject({
      id: responseId(this.options.requestId),
      createdAt: this.options.created,
      model: this.options.model,
      status,
      output,
      usage,
      echo: this.options.echo,
      ...extra,
    });
  }

  private frame(type: string, data: Record<string, unknown>): string {
    return encodeSseEvent(type, { type, ...data, sequence_number: this.seq++ });
  }
}

function partJson(part: Pick<Part, "kind" | "text">): MessageOutput["content"][number] {
  return part.kind === "output_text"
    ? { type: "output_text", text: part.text, annotations: [] }
    : { type: "refusal", refusal: part.text };
}

function itemJson(item: ItemState, status: ItemStatus): OutputItem {
  if (item.kind === "message") {
    // While in progress the item's content arrives through content_part events, as OpenAI's does.
    const content = status === "in_progress" ? [] : item.parts.map(partJson);
    return { type: "message", id: item.id, status, role: "assistant", content };
  }
  const call: FunctionCallOutput = {
    type: "function_call",
    id: item.id,
    call_id: item.callId,
    name: item.name,
    arguments: status === "in_progress" ? "" : item.args,
    status,
  };
  return call;
}
