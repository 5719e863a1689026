/** Anthropic-style ids for the gateway's replies, the same in the streamed and the non-streamed form. */

/** The message id for a request: its X-Request-Id, prefixed `msg_` as Anthropic's ids are, so a complaint quoting it is one grep. */
export function messageId(requestId: string): string {
  return requestId.startsWith("msg_") ? requestId : `msg_${requestId}`;
}

/** Ids for tool calls an upstream sent without one: Anthropic clients answer each tool_use by its id. */
export function fallbackToolUseId(messageIdValue: string, index: number): string {
  return `toolu_${messageIdValue.replace(/^msg_/, "")}_${index}`;
}
