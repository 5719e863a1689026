/**
 * Any server that speaks OpenAI's chat completions (OpenAI, Groq, Together, vLLM, Ollama, LM
 * Studio...). The request goes through as it came, always streamed with usage.
 */
import {
  cancellable,
  errorFromPayload,
  errorFromResponse,
  isRecord,
  joinUrl,
  nextSseMessage,
  parseJson,
  openAiHeaders,
  postJson,
  streamError,
  type UpstreamResponse,
} from "./http.ts";
import type { KnownSecrets } from "../security/scrub.ts";
import { openSseReader, type SseReader } from "./sse.ts";
import { openAiEmbed } from "./openai-embeddings.ts";
import {
  UpstreamError,
  type ChunkChoice,
  type ChunkDelta,
  type ProviderAdapter,
  type ProviderConfig,
  type UpstreamChatRequest,
  type UpstreamEvent,
  type Usage,
} from "./types.ts";
import { completionToolCallsSchema, openAiCompletionSchema, openAiUsageSchema } from "./openai-compatible-events.ts";

export function createOpenAiCompatibleAdapter(config: ProviderConfig): ProviderAdapter {
  const url = joinUrl(config.baseUrl, "/chat/completions");
  return {
    async stream(request, signal) {
      const headers = openAiHeaders(config.apiKey, "text/event-stream");
      const secrets = [config.apiKey];
      const res = await postJson(url, headers, openAiStreamBody(request), signal, secrets);
      if (!res.ok) throw await errorFromResponse(res, signal, secrets);
      if (!res.body) throw new UpstreamError("upstream sent an empty body", 502);
      // A server that ignored `stream: true` and answered with one JSON completion.
      if ((res.headers.get("content-type") ?? "").includes("application/json"))
        return completionEvents(res, signal, secrets);
      const reader = openSseReader(res.body);
      return cancellable(openAiEvents(reader, signal, secrets), () => reader.cancel());
    },
    embed: (request, signal) => openAiEmbed(config, request, signal),
  };
}

/** The client's request, unchanged, plus streaming with usage (merged into any given stream_options). */
export function openAiStreamBody(request: UpstreamChatRequest): Record<string, unknown> {
  const given = isRecord(request.stream_options) ? request.stream_options : {};
  return { ...request, stream: true, stream_options: { ...given, include_usage: true } };
}

async function* openAiEvents(
  reader: SseReader,
  signal: AbortSignal,
  secrets: KnownSecrets,
): AsyncGenerator<UpstreamEvent> {
  let sawDone = false;
  let sawFinish = false;
  let usage: Usage | null = null;
  let broke: unknown = null;
  try {
    for (;;) {
      const message = await nextSseMessage(reader, signal);
      if (!message) break;
      const data = message.data.trim();
      if (data === "[DONE]") {
        sawDone = true;
        break;
      }
      if (data === "") continue;
      const payload = parseJson(data);
      if (!isRecord(payload)) throw new UpstreamError("upstream sent malformed stream data", 502);
      if (payload.error != null) throw errorFromPayload(payload.error, secrets);
      if (message.event === "error") throw errorFromPayload(payload, secrets);
      const u = readUsage(payload.usage);
      if (u) usage = u;
      const choices = normalizeChoices(payload.choices);
      if (choices.length === 0) continue;
      if (choices.some((c) => c.finish_reason !== null)) sawFinish = true;
      yield { type: "chunk", choices, raw: payload };
    }
  } catch (err) {
    broke = err;
  } finally {
    reader.cancel();
  }
  if (broke !== null || (!sawDone && !sawFinish)) {
    // A server that sends running usage has said what it billed so far: keep that for the charge.
    if (usage) yield { type: "usage", usage, partial: true };
    throw broke ?? new UpstreamError("upstream stream broke", 502);
  }
  // Some servers repeat (cumulative) usage on several chunks: report the last, once.
  if (usage) yield { type: "usage", usage };
}

async function completionEvents(
  res: UpstreamResponse,
  signal: AbortSignal,
  secrets: KnownSecrets,
): Promise<AsyncIterable<UpstreamEvent>> {
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw streamError(err, signal);
  }
  const parsed = openAiCompletionSchema.safeParse(parseJson(text));
  if (!parsed.success) throw new UpstreamError("upstream sent malformed JSON", 502);
  const payload = parsed.data;
  if (payload.error != null) throw errorFromPayload(payload.error, secrets);
  const choices: ChunkChoice[] = [];
  payload.choices?.forEach((c, i) => {
    if (!c) return;
    const msg = c.message ?? {};
    const delta: ChunkDelta = { ...msg, role: "assistant" };
    const calls = completionToolCallsSchema.parse(msg.tool_calls);
    if (calls) delta.tool_calls = calls.map((call, index) => ({ index, ...call }));
    choices.push({ index: c.index ?? i, delta, finish_reason: c.finish_reason ?? "stop" });
  });
  const usage = readUsage(payload.usage);
  const events: UpstreamEvent[] = [];
  if (choices.length)
    events.push({ type: "chunk", choices, raw: { ...payload, object: "chat.completion.chunk", choices } });
  if (usage) events.push({ type: "usage", usage });
  return (async function* () {
    yield* events;
  })();
}

/** Every streamed chunk goes through here: walked by hand, not parsed (see openai-compatible-events.ts). */
function normalizeChoices(value: unknown): ChunkChoice[] {
  if (!Array.isArray(value)) return [];
  const out: ChunkChoice[] = [];
  value.forEach((c: unknown, i) => {
    if (!isRecord(c)) return;
    const choice: ChunkChoice = {
      index: typeof c.index === "number" ? c.index : i,
      delta: isRecord(c.delta) ? (c.delta as ChunkDelta) : {},
      finish_reason: typeof c.finish_reason === "string" && c.finish_reason !== "" ? c.finish_reason : null,
    };
    if (c.logprobs !== undefined) choice.logprobs = c.logprobs;
    out.push(choice);
  });
  return out;
}

/**
 * OpenAI's `usage` (or the input/output naming some servers use) in OpenAI's meaning; null when
 * absent. Cache and reasoning counts come in several dialects, all read: OpenAI's
 * `prompt_tokens_details.cached_tokens` and `completion_tokens_details.reasoning_tokens`,
 * DeepSeek's `prompt_cache_hit_tokens`, OpenRouter's `prompt_tokens_details.cache_write_tokens`,
 * and Anthropic's `cache_read_input_tokens` / `cache_creation_input_tokens` (where `input_tokens`
 * leaves the cache out, so it is added back to make the prompt).
 */
export function readUsage(value: unknown): Usage | null {
  // Most chunks carry none (or null, as OpenAI's do until the last): no parse for them.
  if (value == null) return null;
  const parsed = openAiUsageSchema.safeParse(value);
  if (!parsed.success) return null;
  const u = parsed.data;
  const given = u.prompt_tokens;
  const input = u.input_tokens;
  let completion = u.completion_tokens ?? u.output_tokens;
  if (given === undefined && input === undefined && completion === undefined) return null;
  const promptDetails = u.prompt_tokens_details ?? u.input_tokens_details ?? {};
  const completionDetails = u.completion_tokens_details ?? u.output_tokens_details ?? {};
  const anthropicRead = u.cache_read_input_tokens;
  const anthropicWrite = u.cache_creation_input_tokens;
  const prompt = given ?? (input === undefined ? 0 : input + (anthropicRead ?? 0) + (anthropicWrite ?? 0));
  // Parts of the prompt, so never more than it (a server's inconsistent numbers cannot bill twice).
  const cacheRead = Math.min(prompt, promptDetails.cached_tokens ?? u.prompt_cache_hit_tokens ?? anthropicRead ?? 0);
  const cacheWrite = Math.min(
    prompt - cacheRead,
    promptDetails.cache_write_tokens ?? promptDetails.cache_creation_tokens ?? anthropicWrite ?? 0,
  );
  const reasoning = completionDetails.reasoning_tokens ?? 0;
  completion ??= 0;
  // OpenAI's completion_tokens include the reasoning; some servers (Gemini behind a few proxies)
  // report them apart. They are billed as output either way: add them when the numbers show they
  // were left out (more reasoning than completion, or a total that counts them separately).
  const total = u.total_tokens;
  if (reasoning > 0 && (reasoning > completion || total === prompt + completion + reasoning)) completion += reasoning;
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion };
  if (cacheRead) usage.cache_read_tokens = cacheRead;
  if (cacheWrite) usage.cache_write_tokens = cacheWrite;
  if (reasoning) usage.reasoning_tokens = reasoning;
  return usage;
}
