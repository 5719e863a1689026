"use client";
import { useState } from "react";
import { cx, Field, Input } from "@/components/ui/primitives";
import { inclusiveDays, presetRange } from "@/lib/usage/chart-data";
import type { DateRange } from "./usage-query";

export const PRESETS = [7, 30, 90] as const;
const MAX_DAYS = 366;

export type RangeChoice = { preset: (typeof PRESETS)[number] | "custom"; range: DateRange };

/** 7 / 30 / 90 days (ending today, UTC) or two dates; a custom range applies once it is valid. */
export function RangePicker({ value, onChange }: { value: RangeChoice; onChange: (choice: RangeChoice) => void }) {
  const [draft, setDraft] = useState<DateRange>(value.range);
  const days = inclusiveDays(draft.from, draft.to);
  const problem =
    !draft.from || !draft.to
      ? "Pick both dates."
      : days === 0
        ? "The start must not be after the end."
        : days > MAX_DAYS
          ? `A range may span at most ${MAX_DAYS} days.`
          : null;

  function setCustom(next: DateRange) {
    setDraft(next);
    const n = inclusiveDays(next.from, next.to);
    if (n > 0 && n <= MAX_DAYS) onChange({ preset: "custom", range: next });
  }

  const segment = (active: boolean) =>
    cx(
      "px-3 py-1.5 text-sm font-medium border-l border-slate-200 first:border-l-0 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500",
      active ? "bg-indigo-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50",
    );

  return (
    <div className="flex flex-wrap items-end gap-3">
      <div
        role="group"
        aria-label="Date range"
        className="inline-flex overflow-hidden rounded-md ring-1 ring-slate-300"
      >
        {PRESETS.map((n) => (
          <button
            key={n}
            type="button"
            aria-pressed={value.preset === n}
            className={segment(value.preset === n)}
            onClick={() => {
              const range = presetRange(n);
              setDraft(range);
              onChange({ preset: n, range });
            }}
          >
            {n} days
          </button>
        ))}
        <button
          type="button"
          aria-pressed={value.preset === "custom"}
          className={segment(value.preset === "custom")}
          onClick={() => onChange({ preset: "custom", range: value.range })}
        >
          Custom
        </button>
      </div>
      {value.preset === "custom" && (
        <div className="flex flex-wrap items-end gap-3">
          <Field label="From" htmlFor="usage-from">
            <Input
              id="usage-from"
              type="date"
              value={draft.from}
              max={draft.to || undefined}
              onChange={(e) => setCustom({ ...draft, from: e.target.value })}
            />
          </Field>
          <Field label="To" htmlFor="usage-to">
            <Input
              id="usage-to"
              type="date"
              value={draft.to}
              min={draft.from || undefined}
              onChange={(e) => setCustom({ ...draft, to: e.target.value })}
            />
          </Field>
          {problem && (
            <p role="alert" className="pb-2 text-sm text-red-700">
              {problem}
            </p>
          )}
        </div>
      )}
      <p className="w-full text-xs text-slate-500">
        Days are UTC. Showing {value.range.from} to {value.range.to}.
      </p>
    </div>
  );
}
