import type { Level } from "@/lib/catalog/model-table";

/** What the playground stores with an assistant reply (the server keeps unknown keys as they are). */
export type ReplyMeta = {
  model?: string;
  provider?: string;
  prompt_tokens?: number;
  completion_tokens?: number;
  cost_usd?: number;
  latency_ms?: number;
  ttft_ms?: number;
  fallbacks?: number;
  request_id?: string;
  routing_reason?: string;
  error?: string;
  /** The level that served (X-Power-Level). */
  power_level?: string;
  /** What was asked, so "Why this model?" can replay the same routing request after a reload. */
  requested_model?: string;
  requested_power_level?: Level;
  stopped?: boolean;
};

export type Role = "user" | "assistant" | "system";

export type StoredMessage = { id: string; role: Role; content: string; meta: ReplyMeta | null; created_at: string };
export type ConversationSummary = { id: string; title: string; created_at: string; updated_at: string };
export type Conversation = ConversationSummary & { messages: StoredMessage[] };

/** A message on screen: stored, or part of the turn in flight (`streaming`) or not saved yet. */
export type ChatMessage = { key: string; role: Role; content: string; meta: ReplyMeta | null; streaming?: boolean };

export type ChatBody = {
  model: string;
  messages: { role: Role; content: string }[];
  power_level?: "eco" | "balanced" | "precision";
};
