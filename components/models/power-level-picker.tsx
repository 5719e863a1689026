"use client";
import { useId } from "react";
import { cx } from "@/components/ui/primitives";
import type { Level } from "@/lib/catalog/model-table";
import { POWER_LEVELS } from "@/lib/router/types";
import { TypicalCost } from "./typical-cost";

const ABOUT: Record<Level, string> = {
  ECO: "cheapest that is good enough",
  BALANCED: "best value",
  PRECISION: "highest quality",
};

/**
 * Segmented ECO / BALANCED / PRECISION buttons. Each button's accessible name is just the level,
 * with its typical cost as the description, so tests and screen readers find "ECO" exactly.
 */
export function PowerLevelPicker({
  value,
  onChange,
  typical,
  label = "Power level",
}: {
  value: Level;
  onChange: (level: Level) => void;
  typical: Record<Level, number | null> | undefined;
  label?: string;
}) {
  const id = useId();
  return (
    <div role="group" aria-label={label} className="grid grid-cols-3 overflow-hidden rounded-md ring-1 ring-slate-300">
      {POWER_LEVELS.map((level) => {
        const pressed = level === value;
        return (
          <button
            key={level}
            type="button"
            aria-label={level}
            aria-pressed={pressed}
            aria-describedby={`${id}-${level}`}
            title={ABOUT[level]}
            onClick={() => onChange(level)}
            className={cx(
              "flex flex-col items-center gap-0.5 border-l border-slate-200 px-2 py-1.5 text-xs first:border-l-0 focus:z-10 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500",
              pressed ? "bg-indigo-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50",
            )}
          >
            <span className="font-semibold tracking-wide">{level}</span>
            <span
              id={`${id}-${level}`}
              className={cx("text-[11px] leading-tight", pressed ? "text-indigo-100" : "text-slate-500")}
            >
              <TypicalCost usd={typical?.[level]} compact />
            </span>
          </button>
        );
      })}
    </div>
  );
}
