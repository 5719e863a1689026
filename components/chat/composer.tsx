"use client";
import { useState, type FormEvent, type KeyboardEvent } from "react";
import { Button } from "@/components/ui/primitives";

/** The message box: Enter sends, Shift+Enter breaks the line; Stop aborts the reply in flight. */
export function Composer({
  onSend,
  onStop,
  streaming,
  busy,
}: {
  onSend: (text: string) => void;
  onStop: () => void;
  streaming: boolean;
  busy: boolean;
}) {
  const [text, setText] = useState("");
  const canSend = !busy && text.trim() !== "";

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!canSend) return;
    onSend(text.trim());
    setText("");
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  return (
    <form onSubmit={submit} className="flex items-end gap-2 border-t border-slate-200 bg-white p-3">
      <textarea
        aria-label="Message"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        rows={2}
        placeholder="Ask anything… (Enter to send, Shift+Enter for a new line)"
        className="max-h-48 min-h-[2.75rem] flex-1 resize-y rounded-md border-0 px-3 py-2 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-500 focus:outline-none"
      />
      <div className="flex flex-col gap-1.5 sm:flex-row">
        {streaming && (
          <Button type="button" variant="secondary" onClick={onStop}>
            Stop
          </Button>
        )}
        <Button type="submit" disabled={!canSend}>
          Send
        </Button>
      </div>
    </form>
  );
}
