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
  /** From the request's routing receipt: the rules applied, by name at the time. */
  rules?: string[];
  /** Set when the level served is below the level asked, with why ("Served at ECO: …"). */
  downgrade?: { cause: string; message: string };
  /** Providers that failed before the one that answered ("mine (your key) failed: 401 …"). */
  failed?: string[];
  /** The usual first choice, skipped because its provider was down ("openai/gpt-4o skipped: openai is down …"). */
  skipped?: string;
};

export type Role = "user" | "assistant" | "system";

export type StoredMessage = { id: string; role: Role; content: string; meta: ReplyMeta | null; created_at: string };
/** `power_level`: what the playground was last set to in this conversation (null: never set). */
export type ConversationSummary = {
  id: string;
  title: string;
  power_level?: Level | null;
  created_at: string;
  updated_at: string;
};
export type Conversation = ConversationSummary & { messages: StoredMessage[] };

/** A message on screen: stored, or part of the turn in flight (`streaming`) or not saved yet. */
export type ChatMessage = { key: string; role: Role; content: string; meta: ReplyMeta | null; streaming?: boolean };

export type ChatBody = {
  model: string;
  messages: { role: Role; content: string }[];
  power_level?: "eco" | "balanced" | "precision";
};
