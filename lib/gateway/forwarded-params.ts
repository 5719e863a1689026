/**
 * Which request parameters reach a provider. Under the platform's key the platform pays, so only
 * parameters whose cost the hold bounds may pass: an allow-list per provider kind. Parameters
 * that change the price or what the provider retains are refused by name unless the caller's
 * own key (BYOK) serves the request; with BYOK every parameter passes, since the bill is theirs.
 * Anything else unknown is dropped rather than forwarded.
 */
import type { ProviderKindName } from "../catalog/provider-kinds.ts";

/**
 * Priced or retained beyond what a hold on prompt bytes + max_tokens covers: a higher service
 * tier, stored completions, audio output, built-in web search, predicted outputs, several choices.
 */
export const PRICED_PARAMS = [
  "service_tier",
  "store",
  "modalities",
  "audio",
  "web_search_options",
  "prediction",
  "best_of",
  "n",
] as const;

const COMMON = [
  "model",
  "messages",
  "max_tokens",
  "temperature",
  "top_p",
  "stop",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "seed",
  "user",
];

/** Output tokens (reasoning included) stay within max_tokens, which the gateway always sets. */
const ALLOWED: Record<ProviderKindName, ReadonlySet<string>> = {
  "openai-compatible": new Set([
    ...COMMON,
    "frequency_penalty",
    "presence_penalty",
    "logit_bias",
    "logprobs",
    "top_logprobs",
    "reasoning_effort",
  ]),
  anthropic: new Set([...COMMON, "top_k", "thinking"]),
  simulated: new Set(COMMON),
};

/** Fields of one chat message a provider reads; others (e.g. an `audio` reference) are dropped. */
const MESSAGE_FIELDS = new Set(["role", "content", "name", "tool_calls", "tool_call_id", "function_call", "refusal"]);

/** The priced parameters a request sets (n counts from 2). */
export function pricedParams(body: Record<string, unknown>): string[] {
  return PRICED_PARAMS.filter((k) => body[k] != null && !(k === "n" && body.n === 1));
}

/** The request as one provider kind receives it under the platform's key, or whole under BYOK. */
export function forwardable(
  body: Record<string, unknown>,
  kind: ProviderKindName,
  byok: boolean,
): Record<string, unknown> {
  if (byok) return { ...body };
  const allowed = ALLOWED[kind];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (allowed.has(k)) out[k] = v;
  if (Array.isArray(out.messages)) out.messages = out.messages.map(messageFields);
  return out;
}

function messageFields(m: unknown): unknown {
  if (typeof m !== "object" || m === null) return m;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) if (MESSAGE_FIELDS.has(k)) out[k] = v;
  return out;
}
