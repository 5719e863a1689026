"use client";
import { useState } from "react";
import { Button } from "@/components/ui/primitives";

export const COMPACT =
  "inline-flex items-center rounded-md bg-white px-2 py-1 text-xs font-medium ring-1 disabled:cursor-not-allowed disabled:opacity-50";

/** A "Delete" button that asks once more, in place, before it calls onConfirm. */
export function ConfirmDelete({
  question,
  onConfirm,
  pending,
  label = "Delete",
  confirmLabel = "Yes, delete",
  ariaLabel,
  compact = false,
}: {
  question: string;
  /** Smaller, for table rows. */
  compact?: boolean;
  confirmLabel?: string;
  onConfirm: () => void;
  pending?: boolean;
  label?: string;
  ariaLabel?: string;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return compact ? (
      <button
        type="button"
        aria-label={ariaLabel}
        disabled={pending}
        onClick={() => setAsking(true)}
        className={`${COMPACT} text-red-700 ring-red-300 hover:bg-red-50`}
      >
        {label}
      </button>
    ) : (
      <Button type="button" variant="danger" aria-label={ariaLabel} disabled={pending} onClick={() => setAsking(true)}>
        {label}
      </Button>
    );
  }
  return (
    <span
      role="group"
      aria-label={question}
      className={`inline-flex items-center gap-2 rounded-md bg-red-50 px-2 py-1 ring-1 ring-red-200 ${compact ? "whitespace-nowrap" : "flex-wrap"}`}
    >
      <span className={compact ? "text-xs text-red-800" : "text-sm text-red-800"}>{compact ? "Sure?" : question}</span>
      <button
        type="button"
        disabled={pending}
        onClick={() => {
          onConfirm();
          setAsking(false);
        }}
        className={`inline-flex items-center rounded-md bg-red-600 font-medium text-white hover:bg-red-500 disabled:bg-red-300 ${compact ? "px-2 py-1 text-xs" : "px-3 py-1.5 text-sm"}`}
      >
        {confirmLabel}
      </button>
      {compact ? (
        <button
          type="button"
          onClick={() => setAsking(false)}
          className="rounded-md px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100"
        >
          Cancel
        </button>
      ) : (
        <Button type="button" variant="ghost" onClick={() => setAsking(false)}>
          Cancel
        </Button>
      )}
    </span>
  );
}
