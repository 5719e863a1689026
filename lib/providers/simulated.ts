/**
 * A built-in provider that calls nobody: for demos, load tests and CI. It streams a short reply at
 * a configured pace, fails at a configured rate, and reports usage counted with the real tokenizer.
 * It also calls tools and answers in JSON mode, deterministically (simulatedToolCalls, jsonReply),
 * so tool and JSON clients can be tried end to end without a real model.
 */
import { countTextTokens, estimatePromptTokens, lastUserText } from "../router/tokens.ts";
import { abortError, isRecord } from "./http.ts";
import {
  UpstreamError,
  type ChunkChoice,
  type ChunkDelta,
  type ProviderAdapter,
  type ProviderConfig,
  type SimulationConfig,
  type UpstreamChatRequest,
  type UpstreamEvent,
} from "./types.ts";

import { SIMULATION_DEFAULTS } from "./simulation-defaults.ts";
import { simulatedEmbeddings } from "./simulated-embeddings.ts";
import type { UpstreamEmbeddings, UpstreamEmbeddingsRequest } from "./types.ts";

export { SIMULATION_DEFAULTS };

export type SimulatedAdapterOptions = {
  /** Decides the simulated failures (default Math.random). */
  random?: () => number;
  /** Milliseconds clock for pacing and `created` (default Date.now). */
  now?: () => number;
};

type Settings = {
  firstTokenMs: number;
  tokensPerSecond: number;
  errorRate: number;
  errorStatus: number;
  reply: string | null;
};

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
    embed: (request, signal) => simulateEmbeddings(request, signal, settings, random),
  };
}

/**
 * Embeddings (simulated-embeddings.ts) under the same settings as chat: the error rate applies,
 * and the whole answer takes first_token_ms (one reply, nothing streamed).
 */
async function simulateEmbeddings(
  request: UpstreamEmbeddingsRequest,
  signal: AbortSignal,
  s: Settings,
  random: () => number,
): Promise<UpstreamEmbeddings> {
  if (signal.aborted) throw abortError(signal);
  if (s.errorRate > 0 && random() < s.errorRate) {
    const status = s.errorStatus;
    throw new UpstreamError(
      status === 0 ? "simulated connection failure" : `simulated upstream error (HTTP ${status})`,
      status,
      status === 429 || status === 503 || status === 529 ? 1 : undefined,
    );
  }
  await sleep(s.firstTokenMs, signal);
  return simulatedEmbeddings(request);
}

async function* simulate(
  request: UpstreamChatRequest,
  signal: AbortSignal,
  s: Settings,
  now: () => number,
  slug: string,
): AsyncGenerator<UpstreamEvent> {
  const seq = (++sequence).toString(36);
  const id = `chatcmpl-sim-${slug}-${seq}`;
  const created = Math.floor(now() / 1000);
  const chunk = (delta: ChunkDelta, finishReason: string | null = null): UpstreamEvent => {
    const choices: ChunkChoice[] = [{ index: 0, delta, finish_reason: finishReason }];
    return {
      type: "chunk",
      choices,
      raw: { id, object: "chat.completion.chunk", created, model: request.model, choices },
    };
  };
  const maxTokens = positiveInt(request.max_tokens) ?? positiveInt(request.max_completion_tokens);
  const calls = simulatedToolCalls(request);
  const json = calls.length ? null : jsonReply(request, s.reply);
  // Text goes out word by word; JSON (which has few spaces) and tool arguments in short pieces.
  // A configured reply is fixed: it answers tool results too.
  let pieces: SimPiece[];
  if (calls.length) pieces = calls.flatMap((c, call) => jsonPieces(c.arguments).map((text) => ({ text, call })));
  else if (json !== null) pieces = jsonPieces(json).map((text) => ({ text }));
  else
    pieces = (
      (s.reply ?? (endsWithToolResults(request) ? toolResultsReply(request) : defaultReply(request))).match(
        /\s*\S+/g,
      ) ?? []
    ).map((text) => ({ text }));

  await sleep(s.firstTokenMs, signal);
  yield chunk({ role: "assistant", content: "" });

  const paceStart = now();
  let tokensSoFar = 0;
  let text = "";
  /** Per tool call announced so far: what its name and arguments cost. */
  const callText: string[] = [];
  let finishReason = calls.length ? "tool_calls" : "stop";
  for (const { text: piece, call } of pieces) {
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
    tokensSoFar += pieceTokens;
    if (call === undefined) {
      text += emit;
      yield chunk({ content: emit });
    } else {
      // As OpenAI streams a call: index, id and name first (empty arguments), then the pieces.
      for (let i = callText.length; i <= call; i++) {
        callText.push(calls[i]!.name);
        yield chunk({
          tool_calls: [
            {
              index: i,
              id: `call_sim_${seq}_${i}`,
              type: "function",
              function: { name: calls[i]!.name, arguments: "" },
            },
          ],
        });
      }
      callText[call] += emit;
      yield chunk({ tool_calls: [{ index: call, function: { arguments: emit } }] });
    }
    if (finishReason === "length") break;
  }
  if (signal.aborted) throw abortError(signal);
  yield chunk({}, finishReason);
  const completion = countTextTokens(text) + callText.reduce((n, t) => n + countTextTokens(t), 0);
  yield {
    type: "usage",
    usage: {
      prompt_tokens: estimatePromptTokens(request.messages, request.tools),
      completion_tokens: maxTokens !== undefined ? Math.min(completion, maxTokens) : completion,
    },
  };
}

/** A piece of the reply: message text, or (`call` set) a piece of that tool call's arguments. */
type SimPiece = { text: string; call?: number };

export type SimulatedToolCall = { name: string; arguments: string };

type FunctionTool = { name: string; parameters: unknown };

/**
 * The tool calls the simulator makes: deterministic, so demos and tests can rely on them. With
 * function tools and tool_choice not "none":
 *  - tool_choice naming a function: that one;
 *  - otherwise every tool the last user message mentions by name (case-insensitive, as a word;
 *    "get weather" mentions get_weather), in the order of `tools`; only the first when
 *    parallel_tool_calls is false. Not when the conversation ends with tool results: those get
 *    a text answer that uses them (toolResultsReply);
 *  - tool_choice "required" with no tool mentioned (or after tool results): the first tool.
 * Arguments are placeholders shaped by the tool's parameter schema (placeholderFor).
 */
export function simulatedToolCalls(request: UpstreamChatRequest): SimulatedToolCall[] {
  const tools = functionTools(request.tools);
  const choice = request.tool_choice;
  if (tools.length === 0 || choice === "none") return [];
  const call = (t: FunctionTool): SimulatedToolCall => ({
    name: t.name,
    arguments: JSON.stringify(
      placeholderFor(isRecord(t.parameters) ? { type: "object", ...t.parameters } : { type: "object" }),
    ),
  });
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === "string") {
    const named = choice.function.name;
    return [call(tools.find((t) => t.name === named) ?? { name: named, parameters: null })];
  }
  const said = endsWithToolResults(request) ? "" : lastUserText(request.messages).toLowerCase();
  const mentioned = said ? tools.filter((t) => mentions(said, t.name)) : [];
  const chosen = mentioned.length ? mentioned : choice === "required" ? tools.slice(0, 1) : [];
  return (request.parallel_tool_calls === false ? chosen.slice(0, 1) : chosen).map(call);
}

function functionTools(tools: unknown): FunctionTool[] {
  if (!Array.isArray(tools)) return [];
  const out: FunctionTool[] = [];
  for (const t of tools)
    if (
      isRecord(t) &&
      t.type === "function" &&
      isRecord(t.function) &&
      typeof t.function.name === "string" &&
      t.function.name
    )
      out.push({ name: t.function.name, parameters: t.function.parameters });
  return out;
}

function mentions(text: string, name: string): boolean {
  const lower = name.toLowerCase();
  return [lower, lower.replace(/[_-]+/g, " ")].some((form) =>
    new RegExp(`(^|[^a-z0-9_])${form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^a-z0-9_])`).test(text),
  );
}

/** The conversation's last message is a tool result: the model's turn to use the results. */
function endsWithToolResults(request: UpstreamChatRequest): boolean {
  const last = request.messages[request.messages.length - 1];
  return last?.role === "tool" || (last?.role as string) === "function";
}

/** A text answer that quotes the results the conversation ends with, each named by the call it answers. */
export function toolResultsReply(request: UpstreamChatRequest): string {
  const names = new Map<string, string>();
  for (const m of request.messages)
    for (const c of m.tool_calls ?? []) if (c?.id && c.function?.name) names.set(c.id, c.function.name);
  const results: string[] = [];
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const m = request.messages[i]!;
    if (m.role !== "tool" && (m.role as string) !== "function") break;
    const said = (
      typeof m.content === "string"
        ? m.content
        : Array.isArray(m.content)
          ? m.content.map((p) => ("text" in p && typeof p.text === "string" ? p.text : "")).join(" ")
          : ""
    )
      .replace(/\s+/g, " ")
      .trim();
    const snippet = said.length > 80 ? `${said.slice(0, 80).trimEnd()}…` : said;
    results.unshift(`${names.get(m.tool_call_id ?? "") ?? m.name ?? "a tool"} returned "${snippet}"`);
  }
  return `Simulated reply from ${request.model}, using the tool results: ${results.join("; ")}.`;
}

/**
 * JSON mode: the reply as a JSON object, or null when the request asks for text. json_object:
 * `{"answer": <the reply it would give in text>}`; json_schema: placeholders for the schema
 * (placeholderFor).
 */
export function jsonReply(request: UpstreamChatRequest, configured: string | null): string | null {
  const format = request.response_format;
  if (!isRecord(format)) return null;
  if (format.type === "json_object")
    return JSON.stringify({
      answer: configured ?? (endsWithToolResults(request) ? toolResultsReply(request) : defaultReply(request)),
    });
  if (format.type === "json_schema") {
    const spec = isRecord(format.json_schema) ? format.json_schema : {};
    return JSON.stringify(placeholderFor(isRecord(spec.schema) ? spec.schema : { type: "object" }));
  }
  return null;
}

/**
 * A value of the schema's shape: its const, first enum value or default when it has one, else a
 * placeholder of its type ("example", 1 or the minimum, true, null); objects get their required
 * properties (all of them when none are required), arrays one item. anyOf/oneOf: the first.
 */
export function placeholderFor(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > 8) return null;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if ("default" in schema) return schema.default;
  const alternatives = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null;
  if (alternatives?.length) return placeholderFor(alternatives[0], depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type =
    types.find((t) => t !== "null") ??
    (types.includes("null") ? "null" : isRecord(schema.properties) ? "object" : "string");
  switch (type) {
    case "object": {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      const keys = Array.isArray(schema.required)
        ? schema.required.filter((k): k is string => typeof k === "string")
        : Object.keys(properties);
      return Object.fromEntries(
        keys.map((k) => [k, k in properties ? placeholderFor(properties[k], depth + 1) : "example"]),
      );
    }
    case "array":
      return schema.items === undefined || schema.maxItems === 0 ? [] : [placeholderFor(schema.items, depth + 1)];
    case "integer":
    case "number": {
      const min =
        typeof schema.minimum === "number"
          ? schema.minimum
          : typeof schema.exclusiveMinimum === "number"
            ? schema.exclusiveMinimum + 1
            : null;
      const max = typeof schema.maximum === "number" ? schema.maximum : null;
      const n = min ?? (max !== null && max < 1 ? max : 1);
      return type === "integer" ? Math.ceil(n) : n;
    }
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return "example";
  }
}

/** JSON text in short pieces (at least two when it has two characters), as models stream it; never inside a code point. */
function jsonPieces(text: string): string[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.min(10, Math.floor(chars.length / 2)));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(""));
  return out;
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
  let reply = snippet
    ? `Simulated reply from ${request.model}: you said "${snippet}".`
    : `Simulated reply from ${request.model}.`;
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
