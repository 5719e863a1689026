"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { api } from "@/components/api-client";
import type { Level } from "@/lib/catalog/model-table";
import { chatBody, historyOf, titleFrom } from "./history";
import { streamCompletion } from "./stream-completion";
import { fetchRequestUsage, requestUsageKey, type RequestUsage } from "./request-usage";
import { failedAttemptsText, skippedPrimaryText } from "@/lib/gateway/receipt-text";
import type { ChatMessage, Conversation, ReplyMeta } from "./types";

export const conversationKey = (id: string) => ["conversation", id] as const;

let localSeq = 0;
const localKey = () => `local-${++localSeq}`;

function showInUrl(id: string | null) {
  window.history.replaceState(null, "", id ? `/chat?c=${encodeURIComponent(id)}` : "/chat");
}

/** A message of a turn in flight; `storedId` once the server has stored it. */
type Pending = ChatMessage & { storedId?: string };

/**
 * The open conversation: its stored messages plus the turn in flight. A turn lives in `pending`
 * until the stored copy has arrived in the query cache, then that copy replaces it: never shown
 * twice, never a gap, and a reload shows exactly what was saved.
 */
export function useChat(initialId: string | null) {
  const queryClient = useQueryClient();
  const [conversationId, setConversationId] = useState<string | null>(initialId);
  const [pending, setPending] = useState<Pending[]>([]);
  const [streaming, setStreaming] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  // State updates land a render later; this guards against a double submit in between.
  const busyRef = useRef(false);

  const conversation = useQuery({
    queryKey: conversationKey(conversationId ?? ""),
    queryFn: () => api<Conversation>(`/api/conversations/${conversationId}`),
    enabled: conversationId !== null,
  });

  const messages = useMemo<ChatMessage[]>(() => {
    const stored = conversationId ? (conversation.data?.messages ?? []) : [];
    const storedIds = new Set(stored.map((m) => m.id));
    // A stored copy keeps its pending key, so React keeps the component (and e.g. an open "why").
    const keyOf = new Map(pending.filter((m) => m.storedId).map((m) => [m.storedId!, m.key]));
    const unsaved = pending.filter((m) => !m.storedId || !storedIds.has(m.storedId));
    return [
      ...stored.map((m) => ({ key: keyOf.get(m.id) ?? m.id, role: m.role, content: m.content, meta: m.meta })),
      ...unsaved,
    ];
  }, [conversationId, conversation.data, pending]);

  // Leaving the page stops a reply in flight; its turn is still saved (the save does not need us).
  useEffect(() => () => abortRef.current?.abort(), []);

  const select = useCallback((id: string | null) => {
    setConversationId(id);
    setPending([]);
    setSaveError(null);
    showInUrl(id);
  }, []);

  const updateReply = (key: string, patch: Partial<Pending>) =>
    setPending((list) => list.map((m) => (m.key === key ? { ...m, ...patch } : m)));

  const send = useCallback(
    async (text: string, model: string, level: Level) => {
      if (busyRef.current || !text.trim()) return;
      busyRef.current = true;
      const controller = new AbortController();
      abortRef.current = controller;
      const body = chatBody([...historyOf(messages), { role: "user", content: text }], model, level);
      const asked: ReplyMeta = {
        requested_model: model,
        ...(body.power_level ? { requested_power_level: level } : {}),
      };
      const userMsg: ChatMessage = { key: localKey(), role: "user", content: text, meta: null };
      const reply: ChatMessage = { key: localKey(), role: "assistant", content: "", meta: null, streaming: true };
      // Turns whose save failed earlier go out again with this one, in order.
      const unsavedBefore = pending.filter((m) => !m.storedId);
      setPending((list) => [...list.filter((m) => !m.storedId), userMsg, reply]);
      setSaveError(null);
      setStreaming(true);

      let id = conversationId;
      if (!id) {
        try {
          const created = await api<Conversation>("/api/conversations", { body: { title: titleFrom(text) } });
          queryClient.setQueryData(conversationKey(created.id), created);
          id = created.id;
          setConversationId(id);
          showInUrl(id);
          void queryClient.invalidateQueries({ queryKey: ["conversations"] });
        } catch (err) {
          updateReply(reply.key, {
            streaming: false,
            meta: { ...asked, error: `Could not start a conversation: ${(err as Error).message}` },
          });
          setStreaming(false);
          abortRef.current = null;
          busyRef.current = false;
          return;
        }
      }

      const outcome = await streamCompletion(body, {
        signal: controller.signal,
        onText: (content) => updateReply(reply.key, { content }),
      });
      abortRef.current = null;
      // The ledger's charge (also of a stopped reply, which gets no usage chunk) and the receipt.
      const recorded = outcome.meta.request_id ? await fetchRequestUsage(outcome.meta.request_id) : null;
      if (recorded) queryClient.setQueryData(requestUsageKey(recorded.id), recorded);
      const meta: ReplyMeta = { ...asked, ...outcome.meta, ...(recorded ? recordedMeta(recorded) : {}) };
      updateReply(reply.key, { content: outcome.content, meta, streaming: false });
      setStreaming(false);

      setSaving(true);
      try {
        const turn = [...unsavedBefore, userMsg, { ...reply, content: outcome.content, meta }];
        const saved = await api<Conversation>(`/api/conversations/${id}/messages`, {
          body: { messages: turn.map(({ role, content, meta: m }) => ({ role, content, meta: m })) },
        });
        const ids = new Map(turn.map((m, i) => [m.key, saved.messages[saved.messages.length - turn.length + i]?.id]));
        // Commit the id mapping before the stored copy arrives, or the turn would show twice for a frame.
        flushSync(() =>
          setPending((list) => list.map((m) => (ids.get(m.key) ? { ...m, storedId: ids.get(m.key) } : m))),
        );
        queryClient.setQueryData(conversationKey(id), saved);
        void queryClient.invalidateQueries({ queryKey: ["conversations"] });
      } catch (err) {
        setSaveError(`This reply was not saved: ${(err as Error).message}`);
      } finally {
        setSaving(false);
        busyRef.current = false;
      }
    },
    [messages, pending, conversationId, queryClient],
  );

  const stop = useCallback(() => abortRef.current?.abort(), []);

  return {
    conversationId,
    select,
    messages,
    loading: conversationId !== null && conversation.isPending,
    loadError: conversation.error?.message ?? null,
    streaming,
    busy: streaming || saving,
    saveError,
    send,
    stop,
  };
}

function recordedMeta(u: RequestUsage): ReplyMeta {
  const r = u.receipt;
  return {
    cost_usd: u.cost_usd,
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    ...(u.power_level ? { power_level: u.power_level } : {}),
    ...(r ? { rules: r.rules.map((x) => x.name) } : {}),
    ...(r?.downgrade ? { downgrade: { cause: r.downgrade.cause, message: r.downgrade.message } } : {}),
    ...(r && failedAttemptsText(r).length ? { failed: failedAttemptsText(r) } : {}),
    ...(r?.skipped_primary ? { skipped: skippedPrimaryText(r.skipped_primary) } : {}),
  };
}
