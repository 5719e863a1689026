/** POST /api/v1/embeddings's reply body, in OpenAI's shape. */
import { float32Base64 } from "../providers/float32-base64.ts";

export type EmbeddingsEncoding = "float" | "base64";

export type EmbeddingsReply = {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  /** The model that served, `<provider>/<upstream_id>`. */
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
};

/**
 * `base64` is the vectors as little-endian float32 (what the official openai SDK asks for unless
 * told otherwise, and decodes); `float`, JSON numbers as the provider gave them.
 */
export function embeddingsReply(
  vectors: readonly number[][],
  model: string,
  promptTokens: number,
  encoding: EmbeddingsEncoding,
): EmbeddingsReply {
  return {
    object: "list",
    data: vectors.map((v, index) => ({
      object: "embedding",
      index,
      embedding: encoding === "base64" ? float32Base64(v) : v,
    })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
