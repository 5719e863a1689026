"use client";
import { useState } from "react";
import { Button } from "@/components/ui/primitives";
import type { CreatedKey } from "./key-types";

/** The whole key, this once: it is stored hashed and cannot be shown again. */
export function NewKeyNotice({ created }: { created: CreatedKey }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }
  return (
    <div className="mt-4 space-y-2 rounded-md bg-amber-50 p-3 ring-1 ring-amber-200">
      <p className="text-sm font-medium text-amber-900">Copy this key now: it is shown only once.</p>
      <code
        data-testid="new-key"
        className="block rounded bg-white px-2 py-1.5 font-mono text-sm break-all ring-1 ring-amber-200"
      >
        {created.key}
      </code>
      <div className="flex items-center gap-3">
        <Button variant="secondary" onClick={() => void copy()}>
          Copy
        </Button>
        <span aria-live="polite" className="text-sm text-amber-900">
          {copied ? "Copied." : ""}
        </span>
      </div>
    </div>
  );
}
