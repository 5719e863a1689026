import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { createConversation, createConversationSchema, listConversations } from "@/lib/conversations/conversations";

export const GET = handler({ access: "user" }, async ({ db, caller }) => ({
  data: await listConversations(db, caller.userId),
}));

export const POST = handler({ access: "user" }, async ({ req, db, caller }) => {
  const body = await readJson(req, createConversationSchema);
  return Response.json(await createConversation(db, caller.userId, body.title), { status: 201 });
});
