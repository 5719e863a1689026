/**
 * OpenAI-style ids for the gateway's replies, the same in the streamed and the non-streamed form,
 * all derived from the request id (X-Request-Id) so a complaint quoting any of them is one grep.
 * Nothing is stored under them: they name parts of one reply, never something to fetch later.
 */

export function responseId(requestId: string): string {
  return `resp_${requestId}`;
}

/** An output item's id: `msg_…` for a message, `fc_…` for a function call, numbered by its output index. */
export function itemId(requestId: string, kind: "message" | "function_call", outputIndex: number): string {
  return `${kind === "message" ? "msg" : "fc"}_${requestId}_${outputIndex}`;
}

/** For calls an upstream sent without an id: a client answers each function_call by its call_id. */
export function fallbackCallId(requestId: string, index: number): string {
  return `call_${requestId}_${index}`;
}
