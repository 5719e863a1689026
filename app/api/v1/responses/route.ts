import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { chatCompletion } from "@/lib/gateway/chat-completion";
import { gateway } from "@/lib/gateway/context";
import { responsesDialect, responsesRequestSchema, responsesToChatBody } from "@/lib/dialects/openai-responses";

export const dynamic = "force-dynamic";
const MAX_BODY_BYTES = 8 * 1024 * 1024; // as chat completions: room for a few base64 images

/** OpenAI's Responses API through the same pipeline as chat completions (lib/gateway/reply-dialect.ts); nothing is stored. */
export const POST = handler({ access: "user", errors: "openai" }, async ({ req, caller, requestId, timing }) => {
  const request = await readJson(req, responsesRequestSchema, MAX_BODY_BYTES);
  return chatCompletion(gateway(), {
    caller,
    body: responsesToChatBody(request),
    requestId,
    signal: req.signal,
    timing,
    dialect: responsesDialect(request),
  });
});
