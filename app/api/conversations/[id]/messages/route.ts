import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { appendMessages, appendMessagesSchema } from "@/lib/conversations/conversations";

export const POST = handler<{ id: string }>({ access: "user" }, async ({ req, db, caller, params }) => {
  const body = await readJson(req, appendMessagesSchema, 4 * 1024 * 1024);
  return Response.json(await appendMessages(db, caller.userId, params.id, body), { status: 201 });
});
