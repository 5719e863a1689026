/**
 * Prompt-token estimate with a real tokenizer (o200k_base, the GPT-4o / o1 encoding), counted the
 * way OpenAI documents for chat: every message costs its content and role plus 3 tokens of
 * framing (a `name` adds 1 more), and the reply is primed with 3 more.
 */
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";

export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;
/** An image part is billed by its size, unknown here; this is OpenAI's low-detail base charge. */
export const TOKENS_PER_IMAGE_PART = 85;

/** User text may contain strings like "<|endoftext|>": count them as plain text, never throw. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

export interface ContentPartLike {
  type?: string;
  text?: unknown;
  [key: string]: unknown;
}

export interface ToolCallLike {
  function?: { name?: unknown; arguments?: unknown };
  [key: string]: unknown;
}

export interface ChatMessageLike {
  role: string;
  content?: string | readonly ContentPartLike[] | null;
  name?: string | null;
  tool_calls?: readonly ToolCallLike[] | null;
  [key: string]: unknown;
}

/**
 * Texts longer than this many characters are estimated from evenly spaced samples (still with the
 * real tokenizer) instead of tokenized whole: a 150k-token prompt takes ~40 ms to tokenize, which
 * would block the event loop on every such request. Pass `{ exact: true }` to count every token.
 */
export const SAMPLE_ABOVE_CHARS = 200_000;
const SAMPLE_COUNT = 16;
const SAMPLE_CHARS = 4_096;
/** Over-estimate sampled counts slightly: a request that fits is better than one that overflows. */
const SAMPLE_MARGIN = 1.02;

export interface CountOptions {
  exact?: boolean;
}

/**
 * A chat resends its whole history every turn, and system prompts repeat across requests: counts
 * of texts of at least CACHE_MIN_CHARS are remembered (least recently used first out, at most
 * CACHE_MAX_CHARS characters held), so usually only the newest message is tokenized. The count
 * is the same either way.
 */
export const CACHE_MIN_CHARS = 256;
const CACHE_MAX_CHARS = 4_000_000;
const cache = new Map<string, number>();
let cachedChars = 0;

/**
 * BPE merges within one pre-token cost time quadratic in its length: a 20k-character word or run
 * of spaces takes ~250 ms, 100k characters several seconds — one request could stall the process.
 * Texts are therefore counted in pieces of at most PIECE_CHARS, cut just before a whitespace
 * character that starts a word where there is one (where the tokenizer would split anyway), so
 * ordinary text counts exactly as whole; only a run with no such place is cut hard, which can
 * add a token at the cut — an over-count, the safe side for routing.
 */
export const PIECE_CHARS = 2_048;

function countPlain(text: string): number {
  if (text.length <= PIECE_CHARS) return countTokens(text, PLAIN_TEXT);
  let total = 0;
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + PIECE_CHARS);
    if (end < text.length) {
      const floor = start + (PIECE_CHARS >> 1);
      let cut = end;
      while (
        cut > floor &&
        !(isSpace(text.charCodeAt(cut)) && !isSpace(text.charCodeAt(cut + 1)) && !isSpace(text.charCodeAt(cut - 1)))
      )
        cut--;
      if (cut > floor) end = cut;
      // Never split a surrogate pair.
      else if ((text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
    }
    total += countTokens(text.slice(start, end), PLAIN_TEXT);
    start = end;
  }
  return total;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x3000;
}

/** Tokens of one text under o200k_base. */
export function countTextTokens(text: string, options?: CountOptions): number {
  if (text.length === 0) return 0;
  if (text.length < CACHE_MIN_CHARS) return countPlain(text);
  // Only very long texts count differently when exact (they are otherwise sampled).
  const exact = options?.exact === true && text.length > SAMPLE_ABOVE_CHARS;
  const key = exact ? "\u0000" + text : text;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const n = exact || text.length <= SAMPLE_ABOVE_CHARS ? countPlain(text) : sampledCount(text);
  if (key.length <= CACHE_MAX_CHARS / 8) {
    cache.set(key, n);
    cachedChars += key.length;
    for (const [old] of cache) {
      if (cachedChars <= CACHE_MAX_CHARS) break;
      cache.delete(old);
      cachedChars -= old.length;
    }
  }
  return n;
}

function sampledCount(text: string): number {
  const stride = Math.floor(text.length / SAMPLE_COUNT);
  let sampledChars = 0;
  let sampledTokens = 0;
  for (let i = 0; i < SAMPLE_COUNT; i++) {
    let start = i * stride;
    // Start and end at whitespace so no word is cut in two (a cut word costs an extra token).
    const ws = text.indexOf(" ", start);
    if (ws !== -1 && ws - start < 64) start = ws;
    let end = Math.min(text.length, start + SAMPLE_CHARS);
    const wsEnd = text.lastIndexOf(" ", end);
    if (wsEnd > start + SAMPLE_CHARS / 2) end = wsEnd;
    const chunk = text.slice(start, end);
    sampledChars += chunk.length;
    sampledTokens += countPlain(chunk);
  }
  return Math.ceil((sampledTokens / sampledChars) * text.length * SAMPLE_MARGIN);
}

/**
 * Estimated prompt tokens of a chat request. Text parts are tokenized; image parts count
 * TOKENS_PER_IMAGE_PART; tool-call names and arguments are tokenized; `tools` (function
 * definitions), when given, are counted as their JSON text.
 */
export function estimatePromptTokens(
  messages: readonly ChatMessageLike[],
  tools?: unknown,
  options?: CountOptions,
): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const m of messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(m.role);
    const c = m.content;
    if (typeof c === "string") {
      total += countTextTokens(c, options);
    } else if (Array.isArray(c)) {
      for (const part of c as readonly ContentPartLike[]) {
        if (typeof part.text === "string") total += countTextTokens(part.text, options);
        else if (part.type === "image_url" || part.type === "input_image" || part.type === "image")
          total += TOKENS_PER_IMAGE_PART;
      }
    }
    if (typeof m.name === "string" && m.name.length > 0) total += TOKENS_PER_NAME + countTextTokens(m.name);
    if (Array.isArray(m.tool_calls)) {
      for (const call of m.tool_calls) {
        const fn = call.function;
        if (fn && typeof fn.name === "string") total += countTextTokens(fn.name);
        if (fn && typeof fn.arguments === "string") total += countTextTokens(fn.arguments, options);
      }
    }
  }
  if (tools !== undefined && tools !== null) total += countTextTokens(JSON.stringify(tools), options);
  return total;
}

/** Text of the last user message (string content, or its text parts joined by newlines). */
export function lastUserText(messages: readonly ChatMessageLike[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!m || m.role !== "user") continue;
    const c = m.content;
    if (typeof c === "string") return c;
    if (Array.isArray(c)) {
      const texts: string[] = [];
      for (const part of c as readonly ContentPartLike[]) if (typeof part.text === "string") texts.push(part.text);
      return texts.join("\n");
    }
    return "";
  }
  return "";
}

/** True when any message carries an image part. */
export function hasImageParts(messages: readonly ChatMessageLike[]): boolean {
  for (const m of messages) {
    if (!Array.isArray(m.content)) continue;
    for (const part of m.content as readonly ContentPartLike[]) {
      if (part.type === "image_url" || part.type === "input_image" || part.type === "image") return true;
    }
  }
  return false;
}
