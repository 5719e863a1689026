/**
 * OpenAI's embeddings API (`POST {base_url}/embeddings`), as OpenAI, Mistral, Together, DeepInfra,
 * vLLM, Ollama and others serve it: the call behind the OpenAI-compatible adapter's `embed`.
 * Vectors are always asked for as floats (not every server does base64; the gateway encodes
 * base64 itself when its client asks); a server that sends base64 anyway is decoded. Failures
 * map to UpstreamError exactly as the chat call's do, with the upstream's text scrubbed of the
 * key it was sent.
 */
import { z } from "zod";
import type { KnownSecrets } from "../security/scrub.ts";
import { base64Float32 } from "./float32-base64.ts";
import {
  errorFromPayload,
  errorFromResponse,
  isRecord,
  joinUrl,
  openAiHeaders,
  parseJson,
  postJson,
  streamError,
} from "./http.ts";
import {
  UpstreamError,
  type ProviderConfig,
  type UpstreamEmbeddings,
  type UpstreamEmbeddingsRequest,
} from "./types.ts";

const count = z.number().nonnegative().catch(-1);

/**
 * Lenient: servers differ in what else they send; only the vectors and the counts are read. The
 * vectors themselves are checked by a plain loop (vectorOf): a batch holds millions of numbers.
 */
const replySchema = z.looseObject({
  data: z.array(
    z.looseObject({ index: z.number().int().nonnegative().optional().catch(undefined), embedding: z.unknown() }),
  ),
  usage: z.looseObject({ prompt_tokens: count.optional(), total_tokens: count.optional() }).nullish().catch(null),
});

export async function openAiEmbed(
  config: ProviderConfig,
  request: UpstreamEmbeddingsRequest,
  signal: AbortSignal,
): Promise<UpstreamEmbeddings> {
  const headers = openAiHeaders(config.apiKey, "application/json");
  const secrets: KnownSecrets = [config.apiKey];
  const body: Record<string, unknown> = { model: request.model, input: request.input, encoding_format: "float" };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  if (request.user !== undefined) body.user = request.user;
  const res = await postJson(joinUrl(config.baseUrl, "/embeddings"), headers, body, signal, secrets);
  if (!res.ok) throw await errorFromResponse(res, signal, secrets);
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw streamError(err, signal);
  }
  const payload = parseJson(text);
  if (isRecord(payload) && payload.error != null) throw errorFromPayload(payload.error, secrets);
  return readEmbeddings(payload, request.input.length);
}

/** The reply's vectors in input order and its token count; UpstreamError 502 when it is not a whole answer. */
export function readEmbeddings(payload: unknown, inputs: number): UpstreamEmbeddings {
  const parsed = replySchema.safeParse(payload);
  if (!parsed.success) throw new UpstreamError("upstream sent a malformed embeddings reply", 502);
  const { data, usage } = parsed.data;
  if (data.length !== inputs)
    throw new UpstreamError(`upstream sent ${data.length} embeddings for ${inputs} inputs`, 502);
  // In input order: by `index` when every item has a distinct one in range, else as listed.
  const indexes = data.map((d) => d.index);
  const byIndex = indexes.every((i) => i !== undefined && i < inputs) && new Set(indexes).size === inputs;
  const vectors = new Array<number[]>(inputs);
  data.forEach((d, i) => {
    const vector = vectorOf(d.embedding);
    if (!vector) throw new UpstreamError("upstream sent an empty or malformed embedding", 502);
    vectors[byIndex ? d.index! : i] = vector;
  });
  // Embeddings have no completion: a server that sends only total_tokens means the prompt by it.
  const tokens =
    usage?.prompt_tokens !== undefined && usage.prompt_tokens >= 0
      ? usage.prompt_tokens
      : usage?.total_tokens !== undefined && usage.total_tokens >= 0
        ? usage.total_tokens
        : null;
  return { data: vectors, usage: tokens === null ? null : { prompt_tokens: Math.round(tokens) } };
}

/** A list of finite numbers or base64 float32, as a non-empty vector; null otherwise. */
function vectorOf(value: unknown): number[] | null {
  const vector: unknown = typeof value === "string" ? base64Float32(value) : value;
  if (!Array.isArray(vector) || vector.length === 0) return null;
  for (const v of vector) if (typeof v !== "number" || !Number.isFinite(v)) return null;
  return vector as number[];
}
