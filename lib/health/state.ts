/**
 * The one rule that names a provider's state, used by the admin cards, the detail page and the
 * metrics, with the words the pages show for each state (so the legend and the badge never
 * disagree).
 */
export type HealthState = "healthy" | "degraded" | "down" | "circuit_open" | "unknown" | "disabled" | "unconfigured";

/** Success rate over the recent window at or above which traffic counts as healthy, and below which as down. */
export const HEALTHY_RATE = 0.95;
export const DOWN_BELOW_RATE = 0.5;

export type StateInputs = {
  enabled: boolean;
  /** The last active check's outcome; null before the first. */
  check: "ok" | "failed" | "unconfigured" | null;
  circuit: "closed" | "open" | "half-open";
  /** Share of successful calls over the recent window; null without calls. */
  successRate: number | null;
};

/**
 * Disabled, then no key to call it with, then an open circuit, then a failed active check, then
 * what recent traffic says. A half-open circuit is letting a trial through, so traffic decides.
 */
export function healthState({ enabled, check, circuit, successRate }: StateInputs): HealthState {
  if (!enabled) return "disabled";
  if (check === "unconfigured") return "unconfigured";
  if (circuit === "open") return "circuit_open";
  if (check === "failed") return "down";
  if (successRate === null) return check === "ok" ? "healthy" : "unknown";
  if (successRate >= HEALTHY_RATE) return "healthy";
  return successRate >= DOWN_BELOW_RATE ? "degraded" : "down";
}

/** What each state is called on screen and what it means, in the rule's order of precedence. */
export const STATE_WORDS: Record<HealthState, { label: string; meaning: string }> = {
  disabled: { label: "disabled", meaning: "an admin turned it off; routing never uses it" },
  unconfigured: {
    label: "unconfigured",
    meaning: "it needs a platform key and has none: not called by checks, only users' own keys can use it",
  },
  circuit_open: {
    label: "circuit open",
    meaning:
      "3 calls in a row failed in an app process; every process skips it for the cooldown (30 s unless SWITCHYARD_CIRCUIT_COOLDOWN_MS says otherwise), then one trial call in the cluster goes through",
  },
  down: {
    label: "down",
    meaning: `its last health check failed, or under ${DOWN_BELOW_RATE * 100}% of calls succeeded in the last 15 minutes`,
  },
  degraded: {
    label: "degraded",
    meaning: `${DOWN_BELOW_RATE * 100}% to ${HEALTHY_RATE * 100}% of calls succeeded in the last 15 minutes`,
  },
  healthy: {
    label: "healthy",
    meaning: `at least ${HEALTHY_RATE * 100}% of calls succeeded in the last 15 minutes, or no calls and its last health check passed`,
  },
  unknown: { label: "no data", meaning: "no calls in the last 15 minutes and no health check yet" },
};

/** Worst first: what needs attention now (down, circuit open), then degraded, then the rest. */
export function severityRank(state: HealthState | undefined): number {
  if (state === "down" || state === "circuit_open") return 0;
  return state === "degraded" ? 1 : 2;
}

/** A stable sort by severity: within a rank the given order stays. */
export function bySeverity<T>(items: readonly T[], stateOf: (item: T) => HealthState | undefined): T[] {
  return items
    .map((item, i) => ({ item, i, rank: severityRank(stateOf(item)) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.item);
}

/** How an hour's (or any span's) availability is coloured: the state rule's thresholds; null when nothing was called. */
export function availabilityTone(requests: number, ok: number): "good" | "degraded" | "bad" | null {
  if (requests <= 0) return null;
  const rate = ok / requests;
  return rate >= HEALTHY_RATE ? "good" : rate >= DOWN_BELOW_RATE ? "degraded" : "bad";
}
