/**
 * The contract between the gateway and provider adapters. Internally everything is the OpenAI
 * chat-completions wire format; adapters translate other protocols (Anthropic) to and from it.
 * Upstream calls always stream (asking for usage), whatever the client asked for: one code path
 * gives time-to-first-token, fallback before the first token, and exact accounting on disconnect.
 */

export type ChatMessage = {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  [extra: string]: unknown;
};

export type ContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: string } }
  | { type: string; [extra: string]: unknown };

export type ToolCall = { id: string; type: "function"; function: { name: string; arguments: string } };

/** The OpenAI request body, minus Switchyard's routing fields, with `model` set to the upstream id. */
export type UpstreamChatRequest = {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  tools?: unknown[];
  tool_choice?: unknown;
  response_format?: unknown;
  user?: string;
  [extra: string]: unknown;
};

export type ChunkDelta = {
  role?: "assistant";
  content?: string | null;
  tool_calls?: { index: number; id?: string; type?: "function"; function?: { name?: string; arguments?: string } }[];
  [extra: string]: unknown;
};

/** One OpenAI `chat.completion.chunk`'s choice. */
export type ChunkChoice = { index: number; delta: ChunkDelta; finish_reason: string | null; logprobs?: unknown };

/**
 * Token counts in OpenAI's meaning, whatever the provider's wire format: prompt_tokens counts every
 * prompt token, cache reads and writes included (they are parts of it, billed at their own
 * prices); reasoning_tokens are part of completion_tokens and billed as output.
 */
export type Usage = {
  prompt_tokens: number;
  completion_tokens: number;
  /** Prompt tokens read from the provider's prompt cache. */
  cache_read_tokens?: number;
  /** Prompt tokens written to the provider's prompt cache (Anthropic bills them above the input price). */
  cache_write_tokens?: number;
  reasoning_tokens?: number;
};

/**
 * What an adapter yields: content/choice deltas, and (once, usually last) the upstream's usage.
 * A `partial` usage is what the upstream reported before its final count (Anthropic's
 * message_start; the last usage of a stream that then broke): its prompt side is final, its
 * completion count only a lower bound. A final usage may follow and supersedes it.
 */
export type UpstreamEvent =
  | { type: "chunk"; choices: ChunkChoice[]; raw?: Record<string, unknown> }
  | { type: "usage"; usage: Usage; partial?: boolean };

export type ProviderConfig = {
  slug: string;
  kind: "OPENAI_COMPATIBLE" | "ANTHROPIC" | "SIMULATED";
  baseUrl: string;
  /** Decrypted platform or BYOK key; null for keyless providers. Never logged. */
  apiKey: string | null;
  /** kind=SIMULATED only. */
  simulation?: SimulationConfig | null;
};

export type SimulationConfig = {
  first_token_ms?: number;
  tokens_per_second?: number;
  error_rate?: number;
  error_status?: number;
  /** Fixed reply text; default: a short generated answer that echoes the prompt. */
  reply?: string;
};

/**
 * An upstream failure. `status` is the HTTP status (0 for connection errors, 408 for timeouts);
 * the gateway decides from it whether to fall back (connection refused, timeout, 408/409/429/5xx).
 */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export type ProviderAdapter = {
  /**
   * Starts a streamed completion. Resolves once the upstream accepted the request (HTTP status
   * known): a non-2xx status, a refused connection or an aborted signal rejects with UpstreamError
   * before any event. The iterator then yields events until the upstream finishes; a stream
   * that breaks mid-way throws UpstreamError from the iterator. Aborting `signal` must abort the
   * upstream HTTP request at once.
   */
  stream(request: UpstreamChatRequest, signal: AbortSignal): Promise<AsyncIterable<UpstreamEvent>>;
  /**
   * Embeds every input, in order. Rejects with UpstreamError like `stream` (status, abort,
   * unreachable). Absent: the provider has no embeddings API (Anthropic).
   */
  embed?(request: UpstreamEmbeddingsRequest, signal: AbortSignal): Promise<UpstreamEmbeddings>;
};

/** One embeddings call as an adapter gets it: the inputs always a list, vectors always asked for as floats. */
export type UpstreamEmbeddingsRequest = {
  model: string;
  /** Texts, or token-id arrays (one per input). */
  input: string[] | number[][];
  dimensions?: number;
  user?: string;
};

/** One vector per input, in input order, and the provider's own token count (null: it gave none). */
export type UpstreamEmbeddings = { data: number[][]; usage: { prompt_tokens: number } | null };
