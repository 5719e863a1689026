/**
 * The non-streamed Response, built from what the pipeline produced. The input is a small type of
 * its own so this file does not depend on the accumulator's internals: dialect.ts fills it from
 * `messageChoices()[0]` (content, refusal, tool_calls, finish_reason) and the charged usage.
 *
 * Output order: the message (its text, then any refusal) and then each function call, as OpenAI
 * lists a turn that says something and calls tools. A reply cut off (by the output limit or a
 * content filter) marks its last item incomplete: the item that was being written when it stopped.
 */
import { fallbackCallId, itemId, responseId } from "./ids.ts";
import { responseObject, type OutputItem, type ResponseEcho, type ResponseObject } from "./response-object.ts";
import { responseStatus } from "./status.ts";
import type { ResponsesUsage } from "./usage.ts";

export type CompletedToolCall = { id: string; name: string; arguments: string };

export type CompletedResponse = {
  /** The gateway's request id (X-Request-Id); the response and item ids derive from it. */
  requestId: string;
  /** Unix seconds. */
  created: number;
  model: string;
  text: string;
  refusal?: string | null;
  toolCalls: readonly CompletedToolCall[];
  finishReason: string | null;
  usage: ResponsesUsage;
  echo: ResponseEcho;
};

export function encodeResponse(done: CompletedResponse): ResponseObject {
  const { status, incomplete_details } = responseStatus(done.finishReason);
  const output: OutputItem[] = [];
  if (done.text || done.refusal) {
    output.push({
      type: "message",
      id: itemId(done.requestId, "message", 0),
      status: "completed",
      role: "assistant",
      content: [
        ...(done.text ? [{ type: "output_text" as const, text: done.text, annotations: [] }] : []),
        ...(done.refusal ? [{ type: "refusal" as const, refusal: done.refusal }] : []),
      ],
    });
  }
  done.toolCalls.forEach((call, i) => {
    output.push({
      type: "function_call",
      id: itemId(done.requestId, "function_call", output.length),
      call_id: call.id || fallbackCallId(done.requestId, i),
      name: call.name,
      arguments: call.arguments,
      status: "completed",
    });
  });
  const last = output.at(-1);
  if (last && status === "incomplete") last.status = "incomplete";
  return responseObject({
    id: responseId(done.requestId),
    createdAt: done.created,
    model: done.model,
    status,
    output,
    usage: done.usage,
    incompleteDetails: incomplete_details,
    echo: done.echo,
  });
}
