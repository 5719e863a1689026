import { Badge } from "@/components/ui/primitives";
import type { HealthView } from "./catalog-types";

const STATES: Record<HealthView["state"], { label: string; tone: "green" | "amber" | "red" | "slate"; dot: string }> = {
  healthy: { label: "healthy", tone: "green", dot: "bg-emerald-500" },
  degraded: { label: "degraded", tone: "amber", dot: "bg-amber-500" },
  down: { label: "down", tone: "red", dot: "bg-red-500" },
  circuit_open: { label: "circuit open", tone: "red", dot: "bg-red-500" },
  unknown: { label: "no recent traffic", tone: "slate", dot: "bg-slate-400" },
  disabled: { label: "disabled", tone: "slate", dot: "bg-slate-300" },
  unconfigured: { label: "unconfigured (no key)", tone: "slate", dot: "bg-slate-400" },
};

export function HealthBadge({ state }: { state: HealthView["state"] | undefined }) {
  const s = STATES[state ?? "unknown"];
  return (
    <Badge tone={s.tone}>
      <span aria-hidden className={`mr-1.5 inline-block size-2 rounded-full ${s.dot}`} />
      {s.label}
    </Badge>
  );
}
