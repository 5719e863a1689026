/**
 * The simulated provider's embeddings: deterministic unit vectors, so demos and tests get the
 * same vector for the same text every time (and a different one for another model), with usage
 * counted by the real tokenizer as the chat side's is. No meaning is in them: similar texts are
 * not near each other.
 */
import { createHash } from "node:crypto";
import { countTextTokens } from "../router/tokens.ts";
import { UpstreamError, type UpstreamEmbeddings, type UpstreamEmbeddingsRequest } from "./types.ts";

/** A vector's length when the request names no `dimensions` (text-embedding-3-small's). */
export const SIM_EMBEDDING_DIMENSIONS = 1536;
/** text-embedding-3-large's length: a larger `dimensions` is refused with a 400, as OpenAI refuses it. */
export const SIM_MAX_EMBEDDING_DIMENSIONS = 3072;

export function simulatedEmbeddings(request: UpstreamEmbeddingsRequest): UpstreamEmbeddings {
  const dimensions = request.dimensions ?? SIM_EMBEDDING_DIMENSIONS;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > SIM_MAX_EMBEDDING_DIMENSIONS) {
    throw new UpstreamError(
      `dimensions must be between 1 and ${SIM_MAX_EMBEDDING_DIMENSIONS} for ${request.model}`,
      400,
    );
  }
  let tokens = 0;
  const data = request.input.map((input: string | number[]) => {
    tokens += typeof input === "string" ? countTextTokens(input, { exact: true }) : input.length;
    return simulatedEmbedding(request.model, input, dimensions);
  });
  return { data, usage: { prompt_tokens: tokens } };
}

/**
 * A unit vector (float32 values) from xoshiro128** seeded with sha256(model, input). Its first k
 * values do not depend on `dimensions`, so a shorter vector is the longer one cut and
 * renormalised, as text-embedding-3's shortened vectors are.
 */
export function simulatedEmbedding(model: string, input: string | readonly number[], dimensions: number): number[] {
  const seed = createHash("sha256")
    .update(`${model}\u0000`)
    .update(typeof input === "string" ? `text\u0000${input}` : `tokens\u0000${input.join(",")}`)
    .digest();
  let a = seed.readUInt32LE(0);
  let b = seed.readUInt32LE(4);
  let c = seed.readUInt32LE(8);
  let d = seed.readUInt32LE(12) | 1; // never the all-zero state
  const raw = new Float64Array(dimensions);
  let sum = 0;
  for (let i = 0; i < dimensions; i++) {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    const v = r / 2 ** 32 - 0.5;
    raw[i] = v;
    sum += v * v;
  }
  const norm = Math.sqrt(sum) || 1;
  const out = new Array<number>(dimensions);
  // Rounded to float32, as a model's output is: the float and base64 encodings then carry the same numbers.
  for (let i = 0; i < dimensions; i++) out[i] = Math.fround(raw[i]! / norm);
  return out;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
