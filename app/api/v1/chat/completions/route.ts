import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { chatCompletionSchema } from "@/lib/gateway/chat-request";
import { chatCompletion } from "@/lib/gateway/chat-completion";
import { gateway } from "@/lib/gateway/context";

export const dynamic = "force-dynamic";
const MAX_BODY_BYTES = 8 * 1024 * 1024; // room for a few base64 images

export const POST = handler({ access: "user", errors: "openai" }, async ({ req, caller, requestId, timing }) => {
  const body = await readJson(req, chatCompletionSchema, MAX_BODY_BYTES);
  return chatCompletion(gateway(), { caller, body, requestId, signal: req.signal, timing });
});
