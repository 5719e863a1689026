/**
 * A built-in provider that calls nobody: for demos, load tests and CI. It streams a short reply at
 * a configured pace, fails at a configured rate, and reports usage counted with the real tokenizer.
 */
import { countTextTokens, estimatePromptTokens, lastUserText } from "../router/tokens.ts";
import { abortError } from "./http.ts";
import { UpstreamError, type ChunkChoice, type ChunkDelta, type ProviderAdapter, type ProviderConfig, type SimulationConfig, type UpstreamChatRequest, type UpstreamEvent } from "./types.ts";

import { SIMULATION_DEFAULTS } from "./simulation-defaults.ts";

export { SIMULATION_DEFAULTS };

export type SimulatedAdapterOptions = {
  /** Decides the simulated failures (default Math.random). */
  random?: () => number;
  /** Milliseconds clock for pacing and `created` (default Date.now). */
  now?: () => number;
};

type Settings = { firstTokenMs: number; tokensPerSecond: number; errorRate: number; errorStatus: number; reply: string | null };

export function resolveSimulation(sim: SimulationConfig | null | undefined): Settings {
  const num = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
  const status = Math.round(num(sim?.error_status, SIMULATION_DEFAULTS.error_status));
  return {
    firstTokenMs: Math.max(0, num(sim?.first_token_ms, SIMULATION_DEFAULTS.first_token_ms)),
    tokensPerSecond: Math.max(0, num(sim?.tokens_per_second, SIMULATION_DEFAULTS.tokens_per_second)),
    errorRate: Math.min(1, Math.max(0, num(sim?.error_rate, SIMULATION_DEFAULTS.error_rate))),
    errorStatus: status === 0 || (status >= 400 && status <= 599) ? status : SIMULATION_DEFAULTS.error_status,
    reply: typeof sim?.reply === "string" && sim.reply.length > 0 ? sim.reply : null,
  };
}

let sequence = 0;

export function createSimulatedAdapter(config: ProviderConfig, opts: SimulatedAdapterOptions = {}): ProviderAdapter {
  const settings = resolveSimulation(config.simulation);
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  return {
    async stream(request, signal) {
      if (signal.aborted) throw abortError(signal);
      if (settings.errorRate > 0 && random() < settings.errorRate) {
        const status = settings.errorStatus;
        const message = status === 0 ? "simulated connection failure" : `simulated upstream error (HTTP ${status})`;
        throw new UpstreamError(message, status, status === 429 || status === 503 || status === 529 ? 1 : undefined);
      }
      return simulate(request, signal, settings, now, config.slug);
    },
  };
}

async function* simulate(request: UpstreamChatRequest, signal: AbortSignal, s: Settings, now: () => number, slug: string): AsyncGenerator<UpstreamEvent> {
  const id = `chatcmpl-sim-${slug}-${(++sequence).toString(36)}`;
  const created = Math.floor(now() / 1000);
  const chunk = (delta: ChunkDelta, finishReason: string | null = null): UpstreamEvent => {
    const choices: ChunkChoice[] = [{ index: 0, delta, finish_reason: finishReason }];
    return { type: "chunk", choices, raw: { id, object: "chat.completion.chunk", created, model: request.model, choices } };
  };
  const maxTokens = positiveInt(request.max_tokens) ?? positiveInt(request.max_completion_tokens);
  const pieces = (s.reply ?? defaultReply(request)).match(/\s*\S+/g) ?? [];

  await sleep(s.firstTokenMs, signal);
  yield chunk({ role: "assistant", content: "" });

  const paceStart = now();
  let tokensSoFar = 0;
  let text = "";
  let finishReason = "stop";
  for (const piece of pieces) {
    let emit = piece;
    let pieceTokens = countTextTokens(piece);
    if (maxTokens !== undefined && tokensSoFar + pieceTokens > maxTokens) {
      finishReason = "length";
      emit = longestPrefixWithin(piece, maxTokens - tokensSoFar);
      if (!emit) break;
      pieceTokens = countTextTokens(emit);
    }
    // Piece i goes out when the tokens before it have had their time: no drift across pieces.
    if (s.tokensPerSecond > 0 && tokensSoFar > 0) {
      const due = paceStart + (tokensSoFar * 1000) / s.tokensPerSecond;
      await sleep(due - now(), signal);
    } else if (signal.aborted) {
      throw abortError(signal);
    }
    text += emit;
    tokensSoFar += pieceTokens;
    yield chunk({ content: emit });
    if (finishReason === "length") break;
  }
  if (signal.aborted) throw abortError(signal);
  yield chunk({}, finishReason);
  const completion = countTextTokens(text);
  yield {
    type: "usage",
    usage: {
      prompt_tokens: estimatePromptTokens(request.messages, request.tools),
      completion_tokens: maxTokens !== undefined ? Math.min(completion, maxTokens) : completion,
    },
  };
}

const SENTENCES = [
  "This answer comes from Switchyard's built-in simulator, so no real model was called.",
  "Its timing, length and failure rate are set in the provider's simulation settings.",
  "Use it to try routing, fallback and billing without spending real credits.",
  "Each word is streamed at the pace the simulation asks for.",
  "The usage block is counted with a real tokenizer, just like a real provider's.",
  "Switch to a real provider when you want genuine answers.",
];

/** A deterministic 30-60 token answer that echoes the start of the last user message. */
export function defaultReply(request: UpstreamChatRequest): string {
  const said = lastUserText(request.messages).replace(/\s+/g, " ").trim();
  const words = said.split(" ").filter(Boolean);
  let snippet = words.slice(0, 10).join(" ");
  if (snippet.length > 60) snippet = snippet.slice(0, 60).trimEnd();
  if (snippet.length < said.length) snippet += "…";
  let reply = snippet ? `Simulated reply from ${request.model}: you said "${snippet}".` : `Simulated reply from ${request.model}.`;
  const start = hash(said) % SENTENCES.length;
  for (let i = 0; i < 3 && countTextTokens(reply) < 30; i++) reply += ` ${SENTENCES[(start + i) % SENTENCES.length]}`;
  return reply;
}

function longestPrefixWithin(piece: string, budget: number): string {
  if (budget <= 0) return "";
  let lo = 0;
  let hi = piece.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (countTextTokens(piece.slice(0, mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return piece.slice(0, lo);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  if (ms < 1) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined;
}
