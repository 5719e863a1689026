"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "@/components/api-client";
import { Alert, Button, cx } from "@/components/ui/primitives";
import { useModels } from "@/components/models/models-query";
import { PowerLevelPicker } from "@/components/models/power-level-picker";
import { useSaveSettings, useSettings } from "@/components/settings/settings-query";
import type { Level } from "@/lib/catalog/model-table";
import { Composer } from "./composer";
import { ConversationList, useConversations } from "./conversation-list";
import { MessageList } from "./message-list";
import { ModelPicker } from "./model-picker";
import type { ConversationSummary } from "./types";
import { useChat } from "./use-chat";

export function ChatPlayground({ initialId }: { initialId: string | null }) {
  const chat = useChat(initialId);
  const models = useModels();
  const settings = useSettings();
  const saveSettings = useSaveSettings();
  const conversations = useConversations();
  const queryClient = useQueryClient();
  const [model, setModel] = useState("auto");
  // A level picked by hand holds for the conversation it was picked in (null: the new chat).
  const [picked, setPicked] = useState<{ conversation: string | null; level: Level } | null>(null);
  const [listOpen, setListOpen] = useState(false);
  // The level a new chat's first message went out at, until the conversation it created has an id.
  const firstSendLevel = useRef<Level | null>(null);

  const saved = settings.data?.preferred_power_level ?? null;
  const open = chat.conversationId ? conversations.data?.data.find((c) => c.id === chat.conversationId) : undefined;
  const stored = open?.power_level ?? null;
  const pickedHere = picked && picked.conversation === chat.conversationId ? picked.level : null;
  // Picked here, else what this conversation was held at, else the saved default.
  const level: Level = pickedHere ?? stored ?? saved ?? "BALANCED";
  const title = chat.conversationId ? (open?.title ?? "Conversation") : "New chat";

  const storeLevel = useMutation({
    mutationFn: ({ id, level: next }: { id: string; level: Level }) =>
      api(`/api/conversations/${id}`, { method: "PATCH", body: { power_level: next } }),
    onMutate: ({ id, level: next }) =>
      queryClient.setQueryData<{ data: ConversationSummary[] }>(
        ["conversations"],
        (list) => list && { data: list.data.map((c) => (c.id === id ? { ...c, power_level: next } : c)) },
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["conversations"] }),
  });
  const remember = storeLevel.mutate;

  const pick = useCallback(
    (next: Level) => {
      setPicked({ conversation: chat.conversationId, level: next });
      if (chat.conversationId) remember({ id: chat.conversationId, level: next });
    },
    [chat.conversationId, remember],
  );

  // A new chat's first message created the conversation: it keeps the level that message used.
  useEffect(() => {
    const id = chat.conversationId;
    const first = firstSendLevel.current;
    if (!id || !first) return;
    firstSendLevel.current = null;
    setPicked({ conversation: id, level: first });
    remember({ id, level: first });
  }, [chat.conversationId, remember]);

  function send(text: string) {
    if (!chat.conversationId) firstSendLevel.current = level;
    else if (level !== stored) remember({ id: chat.conversationId, level });
    void chat.send(text, model, level);
  }

  function select(id: string | null) {
    firstSendLevel.current = null;
    chat.select(id);
    setListOpen(false);
  }

  return (
    <div className="flex h-[calc(100dvh-8.5rem)] min-h-[32rem] flex-col overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200 md:flex-row">
      <div className="flex items-center gap-2 border-b border-slate-200 px-3 py-2 md:hidden">
        <Button
          variant="secondary"
          className="px-2 py-1 text-xs"
          aria-expanded={listOpen}
          onClick={() => setListOpen((o) => !o)}
        >
          {listOpen ? "Hide chats" : `Chats (${conversations.data?.data.length ?? 0})`}
        </Button>
        <p className="truncate text-sm font-semibold text-slate-800">{title}</p>
      </div>
      <aside
        className={cx(
          "shrink-0 border-slate-200 bg-slate-50 md:flex md:w-64 md:flex-col md:border-r",
          listOpen ? "flex max-h-[45%] flex-col border-b" : "hidden",
        )}
      >
        <ConversationList activeId={chat.conversationId} onSelect={select} locked={chat.busy} />
      </aside>

      <section className="flex min-h-0 min-w-0 flex-1 flex-col" aria-label="Chat">
        <header className="space-y-2 border-b border-slate-200 px-3 py-2.5 sm:px-4">
          <h2 className="hidden truncate text-sm font-semibold text-slate-800 md:block">{title}</h2>
          <div className="flex flex-col gap-2 lg:flex-row lg:items-center">
            <ModelPicker
              value={model}
              onChange={setModel}
              aliases={models.data?.aliases ?? []}
              models={models.data?.models ?? []}
            />
            <div className="w-full sm:max-w-md">
              <PowerLevelPicker value={level} onChange={pick} typical={models.data?.typical} />
            </div>
            <div className="text-xs text-slate-500 lg:ml-1">
              {settings.isPending ? null : level === saved ? (
                <span>Your default level</span>
              ) : (
                <button
                  type="button"
                  className="font-medium text-indigo-700 hover:underline disabled:text-slate-400"
                  disabled={saveSettings.isPending}
                  onClick={() => saveSettings.mutate({ preferred_power_level: level })}
                >
                  Save {level} as my default
                </button>
              )}
            </div>
          </div>
          {model !== "auto" && (
            <p className="text-xs text-slate-500">
              The power level steers <span className="font-mono">auto</span> only:{" "}
              {model.includes("/") ? "this model is pinned." : `the ${model} alias sets its own level.`}
            </p>
          )}
          {saveSettings.error && <Alert>{saveSettings.error.message}</Alert>}
          {storeLevel.error && <Alert>This conversation could not keep its level: {storeLevel.error.message}</Alert>}
          {models.error && <Alert>Could not load the models: {models.error.message}</Alert>}
        </header>

        {chat.loadError ? (
          <div className="p-4">
            <Alert>{chat.loadError}</Alert>
          </div>
        ) : chat.loading ? (
          <p className="flex-1 p-4 text-sm text-slate-500">Loading the conversation…</p>
        ) : (
          <MessageList
            messages={chat.messages}
            empty={
              <div className="mx-auto max-w-md py-10 text-center text-sm text-slate-500">
                <p className="font-medium text-slate-700">Start a conversation</p>
                <p className="mt-1">
                  Pick a model or let the router choose at your power level. Each reply shows who served it, what it
                  cost and why that model was chosen.
                </p>
              </div>
            }
          />
        )}
        {chat.saveError && (
          <div className="px-3 pb-2">
            <Alert>{chat.saveError}</Alert>
          </div>
        )}
        <Composer
          onSend={send}
          onStop={chat.stop}
          streaming={chat.streaming}
          busy={chat.busy || chat.loading || chat.loadError !== null}
        />
      </section>
    </div>
  );
}
