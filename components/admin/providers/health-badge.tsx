import { Badge } from "@/components/ui/primitives";
import { DOWN_BELOW_RATE, HEALTHY_RATE, STATE_WORDS, type HealthState } from "@/lib/health/state";

/** Colour per state; the words come from the rule itself (lib/health/state.ts). */
export const STATE_STYLE: Record<HealthState, { tone: "green" | "amber" | "red" | "slate"; dot: string }> = {
  healthy: { tone: "green", dot: "bg-emerald-500" },
  degraded: { tone: "amber", dot: "bg-amber-500" },
  down: { tone: "red", dot: "bg-red-500" },
  circuit_open: { tone: "red", dot: "bg-red-500" },
  unknown: { tone: "slate", dot: "bg-slate-400" },
  disabled: { tone: "slate", dot: "bg-slate-300" },
  unconfigured: { tone: "slate", dot: "bg-slate-400" },
};

export function HealthBadge({ state }: { state: HealthState | undefined }) {
  const s = state ?? "unknown";
  return (
    <span data-testid="health-state" data-state={s} title={STATE_WORDS[s].meaning}>
      <Badge tone={STATE_STYLE[s].tone}>
        <span aria-hidden className={`mr-1.5 inline-block size-2 rounded-full ${STATE_STYLE[s].dot}`} />
        {STATE_WORDS[s].label}
      </Badge>
    </span>
  );
}

/** What each state means, in the words the badges use: shown wherever the badges are. */
export function HealthLegend() {
  const order: HealthState[] = ["healthy", "degraded", "down", "circuit_open", "unconfigured", "disabled", "unknown"];
  return (
    <details className="rounded-md bg-white px-3 py-2 text-xs text-slate-600 ring-1 ring-slate-200" open>
      <summary className="cursor-pointer font-medium text-slate-700">What the states mean</summary>
      <dl className="mt-2 grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]" aria-label="Health states">
        {order.map((s) => (
          <div key={s} className="contents">
            <dt className="flex items-center gap-1.5 font-medium text-slate-800">
              <span aria-hidden className={`inline-block size-2 rounded-full ${STATE_STYLE[s].dot}`} />
              {STATE_WORDS[s].label}
            </dt>
            <dd className="mb-1 sm:mb-0">{STATE_WORDS[s].meaning}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-2">
        A card that turns down or circuit open moves to the top; degraded ones follow. Bars: one per hour of the last
        24, green at {HEALTHY_RATE * 100}% success or more, amber from {DOWN_BELOW_RATE * 100}%, red below; an empty
        slot is an hour without calls.
      </p>
    </details>
  );
}
