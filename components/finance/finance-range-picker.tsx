"use client";
import { useState } from "react";
import { cx, Field, Input } from "@/components/ui/primitives";
import {
  FINANCE_PRESETS,
  financePresetOf,
  financePresetRange,
  rangeProblem,
  sameRange,
  type DayRange,
  type FinancePreset,
} from "@/lib/usage/finance-range";

/**
 * This month / last month / the last 30 days, or two dates: every day a UTC day. A custom range
 * applies once it is valid. `range` is the page's (from the URL); the picker only proposes.
 */
export function FinanceRangePicker({
  range,
  onChange,
}: {
  range: DayRange;
  onChange: (range: DayRange, how: "push" | "replace") => void;
}) {
  const [picked, setPicked] = useState<FinancePreset | "custom" | null>(null);
  const [draft, setDraft] = useState<DayRange>(range);
  // The range can change from outside (a preset, the browser's Back): the inputs follow it.
  const [shown, setShown] = useState<DayRange>(range);
  if (!sameRange(shown, range)) {
    setShown(range);
    setDraft(range);
  }

  // Which button is on: the one clicked while it still describes the range, else the first preset
  // with exactly these days, else Custom.
  const active =
    picked === "custom"
      ? "custom"
      : picked && sameRange(financePresetRange(picked), range)
        ? picked
        : (financePresetOf(range) ?? "custom");
  const problem = rangeProblem(draft);

  function setCustom(next: DayRange) {
    setDraft(next);
    if (!rangeProblem(next)) onChange(next, "replace");
  }

  const button = (on: boolean) =>
    cx(
      "rounded-md px-3 py-1.5 text-sm font-medium ring-1 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500",
      on ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50",
    );

  return (
    <div className="flex flex-wrap items-end gap-3">
      <div role="group" aria-label="Date range" className="flex flex-wrap gap-2">
        {FINANCE_PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            aria-pressed={active === p.id}
            className={button(active === p.id)}
            onClick={() => {
              setPicked(p.id);
              onChange(financePresetRange(p.id), "push");
            }}
          >
            {p.label}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={active === "custom"}
          className={button(active === "custom")}
          onClick={() => setPicked("custom")}
        >
          Custom
        </button>
      </div>
      {active === "custom" && (
        <div className="flex flex-wrap items-end gap-3">
          <Field label="From" htmlFor="finance-from">
            <Input
              id="finance-from"
              type="date"
              value={draft.from}
              max={draft.to || undefined}
              onChange={(e) => setCustom({ ...draft, from: e.target.value })}
            />
          </Field>
          <Field label="To" htmlFor="finance-to">
            <Input
              id="finance-to"
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
      <p className="w-full text-xs text-slate-500" data-testid="finance-range">
        All dates are UTC. Showing <span className="font-medium text-slate-700">{range.from}</span> to{" "}
        <span className="font-medium text-slate-700">{range.to}</span>, both days included.
      </p>
    </div>
  );
}
