import { Card } from "@/components/ui/primitives";
import type { DayRange } from "@/lib/usage/finance-range";
import { exportHref } from "./finance-query";

const KINDS = [
  { kind: "usage", label: "Usage CSV", about: "every request: tokens by class, charged and provider cost" },
  {
    kind: "ledger",
    label: "Ledger CSV",
    about: "every credit movement: purchases, grants, corrections, refunds, charges",
  },
  { kind: "purchases", label: "Purchases CSV", about: "Stripe purchases and refunds, with their Stripe ids" },
] as const;

/** The range's rows as CSV files (the server streams them; money in micro-USD and in dollars). */
export function ExportLinks({ range }: { range: DayRange }) {
  return (
    <Card title="Export">
      <p className="mb-3 text-sm text-slate-600">
        Download the rows of {range.from} to {range.to} (UTC) for a spreadsheet or your accounting.
      </p>
      <ul className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        {KINDS.map((k) => (
          <li key={k.kind} className="min-w-0">
            <a
              href={exportHref(k.kind, range)}
              download
              className="inline-flex rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50"
            >
              {k.label}
            </a>
            <p className="mt-1 text-xs text-slate-500">{k.about}</p>
          </li>
        ))}
      </ul>
    </Card>
  );
}
