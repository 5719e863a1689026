import type { ReactNode } from "react";
import { formatUsd } from "@/lib/money/units";
import { count } from "./format";

/** A table that scrolls sideways inside its card on a narrow screen, never the page. */
export function TableScroll({ children }: { children: ReactNode }) {
  return <div className="-mx-4 overflow-x-auto px-4">{children}</div>;
}

export function MoneyCell({ micros, className = "" }: { micros: number; className?: string }) {
  return <td className={`pr-3 text-right whitespace-nowrap tabular-nums ${className}`}>{formatUsd(micros)}</td>;
}

export function NumberCell({ value }: { value: number }) {
  return <td className="pr-3 text-right whitespace-nowrap tabular-nums">{count(value)}</td>;
}

/**
 * A row's name that opens the requests behind the row. Its accessible name says so
 * ("Show requests for provider simulated"); long names are cut on screen and whole in the tooltip.
 */
export function DrillButton({
  label,
  what,
  pressed,
  onClick,
}: {
  label: string;
  what: string;
  pressed: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      onClick={onClick}
      aria-pressed={pressed}
      aria-label={`Show requests for ${what}`}
      title={`${label}: show its requests`}
      className="block max-w-[14rem] truncate rounded text-left font-medium text-indigo-700 underline decoration-indigo-200 underline-offset-2 hover:decoration-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 sm:max-w-[22rem]"
    >
      {label}
    </button>
  );
}
