import { z } from "zod";
import type { Db } from "../db/client.ts";
import { notFound } from "../http/errors.ts";
import { powerLevelSchema } from "../router/rules.ts";

export const createConversationSchema = z.object({ title: z.string().trim().min(1).max(200).default("New chat") });

/** PATCH: a new title, the power level the conversation is held at, or both. */
export const updateConversationSchema = z
  .object({ title: z.string().trim().min(1).max(200).optional(), power_level: powerLevelSchema.nullable().optional() })
  .refine((b) => b.title !== undefined || b.power_level !== undefined, "give a title or a power_level");

const replyMetaSchema = z.looseObject({
  model: z.string().max(300).optional(),
  provider: z.string().max(100).optional(),
  prompt_tokens: z.number().int().nonnegative().optional(),
  completion_tokens: z.number().int().nonnegative().optional(),
  cost_usd: z.number().nonnegative().optional(),
  latency_ms: z.number().nonnegative().optional(),
  ttft_ms: z.number().nonnegative().optional(),
  fallbacks: z.number().int().nonnegative().optional(),
  request_id: z.string().max(100).optional(),
  routing_reason: z.string().max(500).optional(),
  error: z.string().max(2000).optional(),
});

export const appendMessagesSchema = z.object({
  messages: z
    .array(
      z.object({
        role: z.enum(["user", "assistant", "system"]),
        content: z.string().max(1_000_000),
        meta: replyMetaSchema.nullish(),
      }),
    )
    .min(1)
    .max(50),
});

const iso = (d: Date) => d.toISOString();

export async function listConversations(db: Db, userId: string) {
  const rows = await db.conversation.findMany({
    where: { userId },
    orderBy: { updatedAt: "desc" },
    take: 200,
    select: { id: true, title: true, powerLevel: true, createdAt: true, updatedAt: true },
  });
  return rows.map((c) => ({
    id: c.id,
    title: c.title,
    power_level: c.powerLevel,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  }));
}

export async function createConversation(db: Db, userId: string, title: string) {
  const c = await db.conversation.create({ data: { userId, title } });
  return {
    id: c.id,
    title: c.title,
    power_level: c.powerLevel,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    messages: [],
  };
}

/** Someone else's conversation is "not found": its existence is not the caller's business. */
async function owned(db: Db, userId: string, id: string) {
  const c = await db.conversation.findFirst({ where: { id, userId } });
  if (!c) throw notFound("Conversation not found");
  return c;
}

export async function getConversation(db: Db, userId: string, id: string) {
  const c = await owned(db, userId, id);
  const messages = await db.conversationMessage.findMany({
    where: { conversationId: id },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return {
    id: c.id,
    title: c.title,
    power_level: c.powerLevel,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    messages: messages.map((m) => ({
      id: m.id,
      role: m.role,
      content: m.content,
      meta: m.meta,
      created_at: iso(m.createdAt),
    })),
  };
}

export async function appendMessages(db: Db, userId: string, id: string, input: z.infer<typeof appendMessagesSchema>) {
  await owned(db, userId, id);
  await db.$transaction(async (tx) => {
    // Distinct timestamps keep the order of a batch (user turn, then its reply) on reload.
    const base = Date.now();
    await tx.conversationMessage.createMany({
      data: input.messages.map((m, i) => ({
        conversationId: id,
        role: m.role,
        content: m.content,
        meta: (m.meta ?? undefined) as object | undefined,
        createdAt: new Date(base + i),
      })),
    });
    await tx.conversation.update({ where: { id }, data: { updatedAt: new Date() } });
  });
  return getConversation(db, userId, id);
}

/**
 * Renames a conversation and/or sets the power level it is held at. A level change alone is not
 * activity: the list keeps its order instead of jumping at every click on a level button.
 */
export async function updateConversation(
  db: Db,
  userId: string,
  id: string,
  patch: z.infer<typeof updateConversationSchema>,
) {
  const c = await owned(db, userId, id);
  await db.conversation.update({
    where: { id },
    data: {
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.power_level !== undefined ? { powerLevel: patch.power_level } : {}),
      ...(patch.title === undefined ? { updatedAt: c.updatedAt } : {}),
    },
  });
  return getConversation(db, userId, id);
}

export async function deleteConversation(db: Db, userId: string, id: string) {
  const { count } = await db.conversation.deleteMany({ where: { id, userId } });
  if (!count) throw notFound("Conversation not found");
}
