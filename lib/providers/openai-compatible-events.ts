/**
 * What an OpenAI-compatible server sends back, as lenient zod schemas (the model: the Vercel AI
 * SDK's openai-compatible response and usage schemas). Limited to the fields the adapter reads; every one of
 * them optional, since servers leave fields out, and caught, so a field of the wrong type reads as
 * absent rather than failing the reply — the adapter tolerates whatever it tolerated before (a
 * malformed choice is skipped). `z.object` ignores the fields it does not list, so an upstream's
 * additions never fail a parse either.
 */
import { z } from "zod";
import { isRecord } from "./http.ts";
import type { ChunkDelta } from "./types.ts";

/** A token count as billed: a finite number, not negative, rounded; anything else reads as absent. */
const tokenCount = z
  .number()
  .nonnegative()
  .transform((n) => Math.round(n))
  .optional()
  .catch(undefined);

const usageDetails = z
  .object({
    cached_tokens: tokenCount,
    cache_write_tokens: tokenCount,
    cache_creation_tokens: tokenCount,
    reasoning_tokens: tokenCount,
  })
  .optional()
  .catch(undefined);

/**
 * `usage` in the dialects servers speak (see readUsage): OpenAI's, the input/output naming some
 * use, DeepSeek's cache hits, Anthropic's cache counts behind OpenAI-shaped proxies.
 */
export const openAiUsageSchema = z.object({
  prompt_tokens: tokenCount,
  completion_tokens: tokenCount,
  total_tokens: tokenCount,
  input_tokens: tokenCount,
  output_tokens: tokenCount,
  prompt_tokens_details: usageDetails,
  input_tokens_details: usageDetails,
  completion_tokens_details: usageDetails,
  output_tokens_details: usageDetails,
  prompt_cache_hit_tokens: tokenCount,
  cache_read_input_tokens: tokenCount,
  cache_creation_input_tokens: tokenCount,
});

/**
 * An object passed on as it came: its fields, their order and any value the gateway does not read
 * reach the client unchanged (zod would rebuild it). Its readers check each field they use.
 */
const passedOn = <T extends object>() => z.custom<T>(isRecord);

// The streamed chunks themselves are walked by hand (normalizeChoices in openai-compatible.ts),
// not parsed with a schema: on every token of every reply, a safeParse added 0.7-1.2 µs per chunk
// to the ~1.1 µs JSON.parse of it, where the walk adds ~0.05 µs (a micro-benchmark of 100,000
// typical chunks). What a stream carries once (usage) and the non-streamed reply are parsed here.

const completionChoiceSchema = z
  .object({
    index: z.number().optional().catch(undefined),
    /** Becomes the choice's delta (its calls read with completionToolCallsSchema). */
    message: passedOn<Record<string, unknown>>().optional().catch(undefined),
    finish_reason: z.string().optional().catch(undefined),
  })
  .nullable()
  .catch(null);

/**
 * A whole `chat.completion`: what a server that ignored `stream: true` answers with. Loose: its
 * other fields (id, system_fingerprint...) travel on with the reply's chunk.
 */
export const openAiCompletionSchema = z.looseObject({
  /** An error some servers answer with under a 200; its shape varies, errorFromPayload reads it. */
  error: z.unknown().optional(),
  /** A choice that is not an object reads as null and is skipped (the others keep their index). */
  choices: z.array(completionChoiceSchema).optional().catch(undefined),
  /** Read with openAiUsageSchema (readUsage). */
  usage: z.unknown().optional(),
});

type CompletionToolCall = Omit<NonNullable<ChunkDelta["tool_calls"]>[number], "index"> & { index?: number };

/** A completion message's tool_calls; a call that is not an object keeps its place (its index) as an empty one. */
export const completionToolCallsSchema = z.array(passedOn<CompletionToolCall>().catch({})).optional().catch(undefined);
