import type { ProviderState } from "@/lib/catalog/model-table";

const STATES: Record<ProviderState, { dot: string; text: string }> = {
  up: { dot: "bg-emerald-500", text: "Provider up" },
  down: {
    dot: "bg-red-500",
    text: "Provider down: its last health check failed, so requests go to other models until it passes",
  },
  circuit_open: {
    dot: "bg-amber-500",
    text: "Provider failing: recent requests failed, so it is skipped for a short while",
  },
};

/** The provider's state as routing sees it, as a dot whose words are its tooltip and its accessible name. */
export function ProviderStateDot({ state }: { state: ProviderState | undefined }) {
  const s = STATES[state ?? "up"];
  return (
    <span
      role="img"
      aria-label={s.text}
      title={s.text}
      data-provider-state={state ?? "up"}
      className={`mr-1.5 inline-block size-2 shrink-0 rounded-full ${s.dot}`}
    />
  );
}
