"use client";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { Alert } from "@/components/ui/primitives";
import { Modal } from "@/components/ui/modal";

/**
 * Asks before an action that is hard to undo (a role change, disabling someone, revoking a key).
 * Render it only while asking. Cancel has the focus, so Enter on a stray keypress keeps things as
 * they were; the dialog stays open while the action runs and shows its error, so the person sees
 * what happened to what they confirmed.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  pending = false,
  error,
  tone = "danger",
}: {
  title: string;
  /** What will happen, in the words of the person's own situation. */
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending?: boolean;
  error?: string | null;
  tone?: "danger" | "neutral";
}) {
  const descriptionId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  // The modal opens in its own effect, which runs before this one: focus moves once it is open.
  useEffect(() => cancelRef.current?.focus(), []);
  const cancel = () => {
    if (!pending) onCancel();
  };
  const confirmStyle =
    tone === "danger"
      ? "bg-red-600 hover:bg-red-500 disabled:bg-red-300"
      : "bg-indigo-600 hover:bg-indigo-500 disabled:bg-indigo-300";
  return (
    <Modal title={title} onClose={cancel} describedBy={descriptionId} size="narrow">
      <div id={descriptionId} className="space-y-2 text-sm wrap-anywhere text-slate-700">
        {children}
      </div>
      {error && (
        <div className="mt-3 wrap-anywhere">
          <Alert>{error}</Alert>
        </div>
      )}
      <div className="mt-5 flex flex-wrap justify-end gap-2">
        <button
          ref={cancelRef}
          type="button"
          onClick={cancel}
          disabled={pending}
          className="inline-flex items-center rounded-md bg-white px-3 py-2 text-sm font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50 disabled:text-slate-400"
        >
          Cancel
        </button>
        <button
          type="button"
          onClick={onConfirm}
          disabled={pending}
          aria-busy={pending}
          className={`inline-flex items-center rounded-md px-3 py-2 text-sm font-medium text-white ${confirmStyle}`}
        >
          {pending ? "Working…" : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
