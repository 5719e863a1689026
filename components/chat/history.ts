import type { ChatBody, ChatMessage } from "./types";
import type { Level } from "@/lib/catalog/model-table";

/** The messages a request carries: every earlier turn with text (failed, empty replies are left out). */
export function historyOf(messages: ChatMessage[]): ChatBody["messages"] {
  return messages.filter((m) => m.content.trim() !== "").map(({ role, content }) => ({ role, content }));
}

/** The power level only steers the `auto` alias; other aliases and pinned models ignore it. */
export function chatBody(history: ChatBody["messages"], model: string, level: Level): ChatBody {
  return {
    model,
    messages: history,
    ...(model === "auto" ? { power_level: level.toLowerCase() as ChatBody["power_level"] } : {}),
  };
}

export const titleFrom = (text: string) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 40 ? `${flat.slice(0, 40).trimEnd()}…` : flat || "New chat";
};
