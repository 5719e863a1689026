/**
 * POST /api/v1/embeddings's body: OpenAI's (`model`, `input`, `dimensions`, `encoding_format`,
 * `user`) plus the routing fields chat completions take, and what routing needs from it.
 */
import { z } from "zod";
import { routingFields } from "./routing-fields.ts";
import { usdToMicros } from "../money/units.ts";
import { countTextTokens } from "../router/tokens.ts";
import type { RoutingRequest, TaskType } from "../router/types.ts";
import { chatCompletionSchema } from "./chat-request.ts";
import type { BodyFacts } from "./plan.ts";

/** OpenAI's limit on inputs per request. */
export const MAX_EMBEDDING_INPUTS = 2048;
/** Far above any model's vector length (3072 for text-embedding-3-large): only stops absurd values. */
export const MAX_EMBEDDING_DIMENSIONS = 65_536;
/**
 * Tokens a provider may add to each input beyond its bytes (BERT-style [CLS]/[SEP], BOS/EOS, an
 * instruction prefix), so the hold stays a bound for a one-letter input too.
 */
export const EMBEDDING_INPUT_ALLOWANCE = 16;

/** The inputs, always a list: texts, or token-id arrays (each a whole input). */
export type EmbeddingsInput = string[] | number[][];

const isTokenId = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isTokenArray = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every(isTokenId);

/**
 * A string, a list of strings, a token-id array, or a list of token-id arrays (OpenAI's four
 * forms), normalised to a list of inputs. Checked by hand rather than as a zod union, so a bad
 * input is told what is wrong with it rather than which of four shapes it failed first.
 */
const inputSchema = z.unknown().transform((value, ctx): EmbeddingsInput => {
  // Fragments: the error sentence puts the field's name in front ("input needs at least one entry").
  const fail = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  if (value === undefined) return fail("is required");
  if (typeof value === "string") return value === "" ? fail("must not be an empty string") : [value];
  if (!Array.isArray(value)) return fail("must be a string, an array of strings, or an array of token ids");
  if (value.length === 0) return fail("needs at least one entry");
  if (value.length > MAX_EMBEDDING_INPUTS) return fail(`can have at most ${MAX_EMBEDDING_INPUTS} entries`);
  if (value.every((v) => typeof v === "string"))
    return value.some((v) => v === "") ? fail("must not contain empty strings") : (value as string[]);
  if (value.every(isTokenId)) return [value as number[]];
  if (value.every(isTokenArray)) return value as number[][];
  return fail("must be all strings, or all token ids (non-negative integers), or all non-empty arrays of token ids");
});

const chat = chatCompletionSchema.shape;

export const embeddingsSchema = z.looseObject({
  model: chat.model,
  input: inputSchema,
  dimensions: z.number().int().positive().max(MAX_EMBEDDING_DIMENSIONS).nullish(),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  user: chat.user,
  ...routingFields,
});

export type EmbeddingsBody = z.infer<typeof embeddingsSchema>;

/**
 * Embeddings serve retrieval: that is the task type rules and receipts see unless the request
 * names one. Never inferred from the text: the text is material to embed, not a question.
 */
export const EMBEDDINGS_TASK_TYPE: TaskType = "rag";

/** The routing fields, as chat's routingRequest reads them, for the embeddings models. */
export function embeddingsRoutingRequest(body: EmbeddingsBody): RoutingRequest {
  return {
    model: body.model,
    operation: "embeddings",
    powerLevel: body.power_level ?? null,
    taskType: body.task_type ?? EMBEDDINGS_TASK_TYPE,
    privacyRequired: body.privacy_required ?? false,
    latencySlo: body.latency_slo ?? null,
    quality: body.quality ?? null,
    // Through a decimal string, as chat does: float multiplication would lose micro-dollars.
    maxCostMicros: body.max_cost_usd == null ? null : usdToMicros(body.max_cost_usd.toFixed(6)),
    region: body.region ?? null,
  };
}

/**
 * What routing and the hold need of the inputs:
 * - promptTokens: the longest input's tokens (o200k estimate, or its length for token ids), what
 *   each model's window must hold — a provider takes every input to its window separately;
 * - promptTokensBound: a proven bound of what any provider can bill, the sum over the inputs of
 *   their UTF-8 bytes (every catalog tokenizer is byte-level: a token covers at least one byte;
 *   see lib/router/token-bound.ts) or token-id count, each plus EMBEDDING_INPUT_ALLOWANCE;
 * - promptInputs: how many inputs, so the router caps the bound at window × inputs;
 * - maxOutputTokens: 0, nothing is generated.
 */
export function embeddingsFacts(input: EmbeddingsInput): BodyFacts & { estimatedTokens: number } {
  let longest = 0;
  let total = 0;
  let bound = 0;
  for (const item of input as (string | number[])[]) {
    const tokens = typeof item === "string" ? countTextTokens(item) : item.length;
    if (tokens > longest) longest = tokens;
    total += tokens;
    bound += (typeof item === "string" ? Buffer.byteLength(item, "utf8") : item.length) + EMBEDDING_INPUT_ALLOWANCE;
  }
  return {
    promptTokens: longest,
    promptTokensBound: bound,
    maxOutputTokens: 0,
    promptInputs: input.length,
    estimatedTokens: total,
  };
}

/** Our own count of the inputs' tokens, for a provider that reported none: exact, never sampled. */
export function countInputTokens(input: EmbeddingsInput): number {
  let total = 0;
  for (const item of input as (string | number[])[])
    total += typeof item === "string" ? countTextTokens(item, { exact: true }) : item.length;
  return total;
}
