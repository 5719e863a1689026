/**
 * An upper bound on the prompt tokens a provider can bill for a chat request, proven rather than
 * estimated: the hold taken before the upstream call is priced on it, so no input — however it
 * is built to fool a tokenizer or a sampler — can cost more than was held.
 *
 * Why bytes bound tokens: every tokenizer the catalog's providers use is byte-level BPE
 * (OpenAI's o200k/cl100k, Anthropic's, Llama 3's) or SentencePiece with byte fallback (Gemini,
 * Mistral); a token covers at least one UTF-8 byte, so a text of B bytes is at most B tokens.
 * The bound is taken over the JSON text of everything that reaches the provider as prompt —
 * messages with every field, tools, tool_choice, response_format — because JSON's quoting, keys
 * and escapes are never shorter than the bytes they carry, and cover the few framing tokens a
 * chat template adds per message. What JSON cannot bound is added explicitly: the system prompt
 * a provider injects for tool use (Anthropic documents 346 tokens; we allow 1,024).
 *
 * Images are billed by pixel size, which the request does not show and which some providers
 * inflate many-fold (gpt-4o-mini bills an image as up to ~48k tokens), and a file part may stand
 * for a whole uploaded document: a request with any content part other than text is bounded
 * only by the model's context window (Infinity here; the router takes min(bound, window)).
 */
import type { ChatMessageLike, ContentPartLike } from "./tokens.ts";

export const TOOL_PROMPT_ALLOWANCE = 1_024;
/** Reply priming and chat-template slack beyond what JSON's own syntax already covers. */
export const TEMPLATE_ALLOWANCE = 16;

export type PromptParts = {
  messages: readonly ChatMessageLike[];
  tools?: unknown;
  tool_choice?: unknown;
  response_format?: unknown;
};

/** Upper bound of billable prompt tokens, or Infinity when only the context window bounds it. */
export function promptTokenBound(parts: PromptParts): number {
  if (hasNonTextParts(parts.messages)) return Infinity;
  const hasTools = Array.isArray(parts.tools) && parts.tools.length > 0;
  const json = JSON.stringify([
    parts.messages,
    parts.tools ?? null,
    parts.tool_choice ?? null,
    parts.response_format ?? null,
  ]);
  return Buffer.byteLength(json, "utf8") + TEMPLATE_ALLOWANCE + (hasTools ? TOOL_PROMPT_ALLOWANCE : 0);
}

function hasNonTextParts(messages: readonly ChatMessageLike[]): boolean {
  for (const m of messages) {
    if (!Array.isArray(m.content)) continue;
    for (const part of m.content as readonly ContentPartLike[]) if (part.type !== "text") return true;
  }
  return false;
}
