"use client";
import { useState } from "react";
import { Badge, Button } from "@/components/ui/primitives";
import { ConfirmDelete } from "@/components/admin/providers/confirm-delete";
import { RuleChips } from "./rule-chips";
import type { RuleView } from "./rule-types";

/** One rule in the list: priority, name, active switch, readable conditions and actions. */
export function RuleCard({
  rule,
  busy,
  onToggle,
  onEdit,
  onDelete,
}: {
  rule: RuleView;
  busy: boolean;
  onToggle: (active: boolean) => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  // The switch moves in the click itself: the list's optimistic update lands a tick later (after
  // cancelling refetches), and a controlled checkbox would snap back in between. Once the save
  // settles, the list (updated or rolled back) is the truth again.
  const [flipped, setFlipped] = useState<boolean | null>(null);
  // Adjusted while rendering (React's pattern for state that follows props), not in an effect,
  // which would paint the stale switch once more first.
  const [seen, setSeen] = useState({ busy, active: rule.active });
  if (seen.busy !== busy || seen.active !== rule.active) {
    setSeen({ busy, active: rule.active });
    if (!busy) setFlipped(null);
  }
  return (
    <article
      aria-label={rule.name}
      className={`rounded-lg p-4 shadow-sm ring-1 ring-slate-200 ${rule.active ? "bg-white" : "bg-slate-50"}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 basis-full sm:flex-1 sm:basis-0">
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone="slate">priority {rule.priority}</Badge>
            <h3
              className={`min-w-0 text-sm font-semibold wrap-anywhere ${rule.active ? "text-slate-900" : "text-slate-500"}`}
            >
              {rule.name}
            </h3>
            {!rule.active && <Badge tone="amber">inactive</Badge>}
          </div>
          {rule.description && <p className="mt-1 text-sm wrap-anywhere text-slate-600">{rule.description}</p>}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              role="switch"
              checked={flipped ?? rule.active}
              disabled={busy}
              onChange={(e) => {
                setFlipped(e.target.checked);
                onToggle(e.target.checked);
              }}
            />
            Active
          </label>
          <Button variant="secondary" onClick={onEdit}>
            Edit
          </Button>
          <ConfirmDelete question={`Delete “${rule.name}”?`} pending={busy} onConfirm={onDelete} />
        </div>
      </div>
      <div className="mt-3">
        <RuleChips rule={rule} />
      </div>
    </article>
  );
}
