import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { embeddingsSchema } from "@/lib/gateway/embeddings-request";
import { createEmbeddings } from "@/lib/gateway/embeddings";
import { gateway } from "@/lib/gateway/context";

export const dynamic = "force-dynamic";
const MAX_BODY_BYTES = 8 * 1024 * 1024; // as chat completions: 2048 inputs of a few KB each

/** OpenAI's embeddings API, routed among the "embeddings" models and charged per input token (lib/gateway/embeddings.ts). */
export const POST = handler({ access: "user", errors: "openai" }, async ({ req, caller, requestId, timing }) => {
  const body = await readJson(req, embeddingsSchema, MAX_BODY_BYTES);
  return createEmbeddings(gateway(), { caller, body, requestId, signal: req.signal, timing });
});
