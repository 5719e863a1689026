import { availabilityTone } from "@/lib/health/state";
import type { HourCount } from "@/lib/health/hours";
import { formatPercent } from "./format";

const TONE = { good: "bg-emerald-500", degraded: "bg-amber-500", bad: "bg-red-500" } as const;

const hourLabel = (iso: string) => {
  const start = new Date(iso);
  const end = new Date(start.getTime() + 3_600_000);
  const t = (d: Date) => d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return `${start.toLocaleDateString([], { month: "short", day: "numeric" })} ${t(start)}–${t(end)}`;
};

export function hourSummary(h: HourCount): string {
  return h.requests === 0
    ? `${hourLabel(h.hour)}: no calls`
    : `${hourLabel(h.hour)}: ${h.requests.toLocaleString("en-US")} calls, ${formatPercent(h.ok / h.requests)} succeeded`;
}

/**
 * One bar per hour of the last 24 (current hour right): coloured by the state rule's thresholds,
 * as tall as the share of calls that succeeded (never so short that a red one disappears). An
 * hour without calls is a faint stub, not a failure.
 */
export function AvailabilitySparkline({ hours }: { hours: HourCount[] }) {
  const total = hours.reduce((n, h) => n + h.requests, 0);
  const ok = hours.reduce((n, h) => n + h.ok, 0);
  const summary = total
    ? `${formatPercent(ok / total)} of ${total.toLocaleString("en-US")} calls succeeded in the last 24 hours`
    : "no calls in the last 24 hours";
  return (
    <div className="flex items-center gap-2">
      <div
        role="img"
        aria-label={`Availability per hour: ${summary}`}
        data-testid="availability-sparkline"
        className="flex h-6 w-full max-w-48 items-end gap-px"
      >
        {hours.map((h) => {
          const tone = availabilityTone(h.requests, h.ok);
          const height = tone === null ? 2 : Math.max(6, Math.round((h.ok / h.requests) * 24));
          return (
            <span
              key={h.hour}
              title={hourSummary(h)}
              data-tone={tone ?? "empty"}
              className={`flex-1 rounded-[1px] ${tone === null ? "bg-slate-200" : TONE[tone]}`}
              style={{ height }}
            />
          );
        })}
      </div>
      <span className="shrink-0 text-xs text-slate-500">{total ? formatPercent(ok / total) : "–"}</span>
    </div>
  );
}
