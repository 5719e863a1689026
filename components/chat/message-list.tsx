"use client";
import { useEffect, useRef, type ReactNode } from "react";
import { Markdown } from "./markdown";
import { ReplyMetaLine } from "./reply-meta";
import type { ChatMessage } from "./types";

export function MessageList({ messages, empty }: { messages: ChatMessage[]; empty: ReactNode }) {
  const scroller = useRef<HTMLDivElement>(null);
  const last = messages.at(-1);

  // Follow the reply as it streams, unless the reader has scrolled up to read something.
  useEffect(() => {
    const el = scroller.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 160) el.scrollTop = el.scrollHeight;
  }, [messages.length, last?.content]);

  // Jump to the end when a conversation opens.
  const firstKey = messages[0]?.key;
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [firstKey]);

  return (
    <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto px-3 py-4 sm:px-5" aria-live="polite">
      {messages.length === 0 ? (
        empty
      ) : (
        <ol className="space-y-5">
          {messages.map((m) => (
            <li key={m.key}>{m.role === "user" ? <UserMessage text={m.content} /> : <AssistantMessage m={m} />}</li>
          ))}
        </ol>
      )}
    </div>
  );
}

function UserMessage({ text }: { text: string }) {
  return (
    <div className="flex justify-end" data-testid="user-message">
      <div className="max-w-[85%] rounded-2xl rounded-br-sm bg-indigo-600 px-3.5 py-2 text-sm break-words whitespace-pre-wrap text-white">
        {text}
      </div>
    </div>
  );
}

function AssistantMessage({ m }: { m: ChatMessage }) {
  return (
    <div className="max-w-full sm:max-w-[92%]" data-testid="assistant-message" aria-busy={m.streaming || undefined}>
      <div className="rounded-2xl rounded-bl-sm bg-white px-3.5 py-2.5 shadow-sm ring-1 ring-slate-200">
        {m.content ? (
          <Markdown text={m.content} />
        ) : m.streaming ? (
          <Typing />
        ) : (
          !m.meta?.error && (
            <p className="text-sm text-slate-500 italic">
              {m.meta?.stopped ? "Stopped before the first token." : "(no text)"}
            </p>
          )
        )}
        {m.meta?.error && (
          <p role="alert" className="mt-1 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
            {m.meta.error}
          </p>
        )}
      </div>
      {!m.streaming && m.meta && <ReplyMetaLine meta={m.meta} />}
    </div>
  );
}

function Typing() {
  return (
    <span className="inline-flex gap-1 py-1" aria-label="Waiting for the reply">
      {[0, 150, 300].map((d) => (
        <span
          key={d}
          className="h-1.5 w-1.5 animate-bounce rounded-full bg-slate-400"
          style={{ animationDelay: `${d}ms` }}
        />
      ))}
    </span>
  );
}
