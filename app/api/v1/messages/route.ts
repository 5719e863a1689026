import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { chatCompletion } from "@/lib/gateway/chat-completion";
import { gateway } from "@/lib/gateway/context";
import { messagesDialect, messagesRequestSchema, messagesToChatBody } from "@/lib/dialects/anthropic-messages";

export const dynamic = "force-dynamic";
const MAX_BODY_BYTES = 8 * 1024 * 1024; // as chat completions: room for a few base64 images

/** Anthropic's Messages API through the same pipeline as chat completions (lib/gateway/reply-dialect.ts). */
export const POST = handler({ access: "user", errors: "anthropic" }, async ({ req, caller, requestId, timing }) => {
  const request = await readJson(req, messagesRequestSchema, MAX_BODY_BYTES);
  return chatCompletion(gateway(), {
    caller,
    body: messagesToChatBody(request),
    requestId,
    signal: req.signal,
    timing,
    dialect: messagesDialect,
  });
});
