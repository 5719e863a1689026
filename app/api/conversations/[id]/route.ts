import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import {
  deleteConversation,
  getConversation,
  updateConversation,
  updateConversationSchema,
} from "@/lib/conversations/conversations";

export const GET = handler<{ id: string }>({ access: "user" }, async ({ db, caller, params }) =>
  getConversation(db, caller.userId, params.id),
);

export const PATCH = handler<{ id: string }>({ access: "user" }, async ({ req, db, caller, params }) => {
  const body = await readJson(req, updateConversationSchema);
  return updateConversation(db, caller.userId, params.id, body);
});

export const DELETE = handler<{ id: string }>({ access: "user" }, async ({ db, caller, params }) => {
  await deleteConversation(db, caller.userId, params.id);
  return null;
});
