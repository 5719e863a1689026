"use client";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { Button } from "@/components/ui/primitives";

/**
 * A native modal <dialog>: focus is trapped, Escape and the close button call onClose. Render it
 * only while open. `describedBy` names the element that says what the dialog is about, for
 * screen readers that announce it on opening.
 */
export function Modal({
  title,
  onClose,
  children,
  describedBy,
  size = "wide",
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  describedBy?: string;
  size?: "wide" | "narrow";
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className={`m-auto ${size === "wide" ? "w-[min(40rem,calc(100vw-1.5rem))]" : "w-[min(28rem,calc(100vw-1.5rem))]"} rounded-lg bg-white p-0 text-slate-900 shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40`}
    >
      <header className="flex items-center justify-between border-b border-slate-100 px-4 py-3">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        <Button variant="ghost" type="button" aria-label="Close" onClick={onClose}>
          ×
        </Button>
      </header>
      <div className="max-h-[75vh] overflow-y-auto p-4">{children}</div>
    </dialog>
  );
}
