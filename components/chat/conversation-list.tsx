"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { Alert, Button, cx, Input } from "@/components/ui/primitives";
import type { ConversationSummary } from "./types";

export function useConversations() {
  return useQuery({
    queryKey: ["conversations"],
    queryFn: () => api<{ data: ConversationSummary[] }>("/api/conversations"),
  });
}

/** The sidebar: new chat, and the conversations to open, rename or delete. Locked while a reply runs. */
export function ConversationList({
  activeId,
  onSelect,
  locked,
}: {
  activeId: string | null;
  onSelect: (id: string | null) => void;
  locked: boolean;
}) {
  const queryClient = useQueryClient();
  const list = useConversations();
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const rename = useMutation({
    mutationFn: ({ id, title }: { id: string; title: string }) =>
      api(`/api/conversations/${id}`, { method: "PATCH", body: { title } }),
    onSuccess: (_data, { id }) => {
      setRenaming(null);
      void queryClient.invalidateQueries({ queryKey: ["conversations"] });
      void queryClient.invalidateQueries({ queryKey: ["conversation", id] });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/conversations/${id}`, { method: "DELETE" }),
    onSuccess: (_data, id) => {
      setConfirming(null);
      if (id === activeId) onSelect(null);
      queryClient.removeQueries({ queryKey: ["conversation", id] });
      void queryClient.invalidateQueries({ queryKey: ["conversations"] });
    },
  });

  function onRename(event: FormEvent<HTMLFormElement>, id: string) {
    event.preventDefault();
    const title = String(new FormData(event.currentTarget).get("title") ?? "").trim();
    if (title) rename.mutate({ id, title });
  }

  return (
    <nav aria-label="Conversations" className="flex min-h-0 flex-col">
      <div className="p-3">
        <Button className="w-full" onClick={() => onSelect(null)} disabled={locked}>
          New chat
        </Button>
      </div>
      {(rename.error || remove.error) && (
        <div className="px-3 pb-2">
          <Alert>{(rename.error ?? remove.error)!.message}</Alert>
        </div>
      )}
      <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
        {list.isPending ? (
          <p className="px-2 text-sm text-slate-500">Loading…</p>
        ) : list.error ? (
          <Alert>{list.error.message}</Alert>
        ) : list.data.data.length === 0 ? (
          <p className="px-2 text-sm text-slate-500">No conversations yet. Send a message to start one.</p>
        ) : (
          <ul className="space-y-0.5">
            {list.data.data.map((c) => {
              const active = c.id === activeId;
              if (renaming === c.id) {
                return (
                  <li key={c.id}>
                    <form onSubmit={(e) => onRename(e, c.id)} className="space-y-1.5 rounded-md bg-slate-100 p-2">
                      <Input
                        name="title"
                        aria-label="Conversation title"
                        defaultValue={c.title}
                        maxLength={200}
                        autoFocus
                        onKeyDown={(e) => e.key === "Escape" && setRenaming(null)}
                      />
                      <div className="flex gap-1.5">
                        <Button type="submit" className="px-2 py-1 text-xs" disabled={rename.isPending}>
                          Save
                        </Button>
                        <Button
                          type="button"
                          variant="ghost"
                          className="px-2 py-1 text-xs"
                          onClick={() => setRenaming(null)}
                        >
                          Cancel
                        </Button>
                      </div>
                    </form>
                  </li>
                );
              }
              return (
                <li
                  key={c.id}
                  className={cx(
                    "group rounded-md",
                    active ? "bg-indigo-50 ring-1 ring-indigo-200" : "hover:bg-slate-100",
                  )}
                >
                  <button
                    type="button"
                    onClick={() => onSelect(c.id)}
                    disabled={locked}
                    aria-current={active ? "true" : undefined}
                    className="block w-full truncate px-2.5 py-2 text-left text-sm text-slate-800 disabled:cursor-not-allowed"
                    title={c.title}
                  >
                    {c.title}
                    <span className="block text-[11px] text-slate-500">{new Date(c.updated_at).toLocaleString()}</span>
                  </button>
                  {active && !locked && (
                    <div className="flex gap-1 px-1.5 pb-1.5">
                      {confirming === c.id ? (
                        <>
                          <span className="self-center px-1 text-xs text-slate-600">Delete it?</span>
                          <Button
                            variant="danger"
                            className="px-2 py-1 text-xs"
                            onClick={() => remove.mutate(c.id)}
                            disabled={remove.isPending}
                          >
                            Delete
                          </Button>
                          <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => setConfirming(null)}>
                            Keep
                          </Button>
                        </>
                      ) : (
                        <>
                          <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => setRenaming(c.id)}>
                            Rename
                          </Button>
                          <Button
                            variant="ghost"
                            className="px-2 py-1 text-xs text-red-700"
                            onClick={() => setConfirming(c.id)}
                          >
                            Delete
                          </Button>
                        </>
                      )}
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </nav>
  );
}
