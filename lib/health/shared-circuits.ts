/**
 * Circuit state every app process honours (provider_circuits): when one process's breaker opens a
 * provider's circuit, or the cluster's health check finds it down, the others stop sending it
 * traffic within SWITCHYARD_IDENTITY_TTL_MS (1 s) — N processes do not each pay their own
 * failures to learn it. After the cooldown exactly one request in the cluster is the half-open
 * trial (claimed with one conditional UPDATE); its success closes the circuit for everyone, its
 * failure re-opens it. Times are the database's clock, so processes agree on them.
 *
 * The request path reads one cached snapshot and writes only when the state changes.
 */
import type { Db } from "../db/client.ts";
import { sqlRows } from "../db/sql.ts";
import { identityTtlMs, TtlCache } from "../auth/identity-cache.ts";
import type { CircuitBreakers } from "./circuit-breaker.ts";
import { DEFAULTS, env } from "../config/env.ts";

export const DEFAULT_COOLDOWN_MS = DEFAULTS.SWITCHYARD_CIRCUIT_COOLDOWN_MS;
// A trial that neither succeeded nor failed in this long (its process died) is given to another.
const TRIAL_TIMEOUT_MS = 60_000;

export type CircuitSnapshot = {
  /** Not to be routed to: open and cooling down, or its half-open trial already claimed. */
  skip: ReadonlySet<string>;
  /** Open, cooled down, trial not yet claimed: routable, but a request must claim the trial first. */
  trial: ReadonlySet<string>;
  /** Open because the active check failed (the rest were opened by traffic). */
  checkDown: ReadonlySet<string>;
  /** Recent cluster traffic says degraded (lib/health/degraded.ts): ranked lower. */
  degraded: ReadonlySet<string>;
};

export const NO_CIRCUITS: CircuitSnapshot = {
  skip: new Set(),
  trial: new Set(),
  checkDown: new Set(),
  degraded: new Set(),
};

/** Whether a provider counts as open for routing in this snapshot (trial providers do not: they are tried once). */
export function isOpenIn(s: CircuitSnapshot, providerId: string): boolean {
  return s.skip.has(providerId);
}

/** A provider as a user sees it in the model list: down by the active check, circuit open, or up. */
export function providerStateOf(
  s: CircuitSnapshot,
  localOpen: (providerId: string) => boolean,
): (providerId: string) => "up" | "down" | "circuit_open" {
  return (id) =>
    s.checkDown.has(id) ? "down" : s.skip.has(id) || s.trial.has(id) || localOpen(id) ? "circuit_open" : "up";
}

type Row = {
  provider_id: string;
  open: boolean;
  reason: string | null;
  degraded: boolean;
  cooling: boolean;
  trial_taken: boolean;
};

export class SharedCircuits {
  private readonly cache = new TtlCache<"all", CircuitSnapshot>(identityTtlMs);

  constructor(
    private readonly db: Db,
    private readonly cooldownMs: number = env("SWITCHYARD_CIRCUIT_COOLDOWN_MS"),
  ) {}

  snapshot(): Promise<CircuitSnapshot> {
    return this.cache.through("all", async () => {
      const rows = await sqlRows<Row>(
        this.db,
        "sy_circuits_read",
        `SELECT provider_id, opened_at IS NOT NULL AS open, reason, degraded,
                opened_at > localtimestamp - $1::int8 * interval '1 millisecond' AS cooling,
                trial_started_at > localtimestamp - $2::int8 * interval '1 millisecond' AS trial_taken
         FROM provider_circuits WHERE opened_at IS NOT NULL OR degraded`,
        [this.cooldownMs, TRIAL_TIMEOUT_MS],
      );
      const skip = new Set<string>();
      const trial = new Set<string>();
      const checkDown = new Set<string>();
      const degraded = new Set<string>();
      for (const r of rows) {
        if (r.degraded) degraded.add(r.provider_id);
        if (!r.open) continue;
        if (r.reason === "check") checkDown.add(r.provider_id);
        if (r.cooling || r.trial_taken) skip.add(r.provider_id);
        else trial.add(r.provider_id);
      }
      return { skip, trial, checkDown, degraded };
    });
  }

  /**
   * Opens the circuit (a process's breaker opened, a trial failed, or the check failed). An
   * already open circuit keeps its opening time, unless this is the failure of its trial: then it
   * cools down afresh.
   */
  async open(providerId: string, reason: "traffic" | "check", error: string | null): Promise<void> {
    await sqlRows(
      this.db,
      "sy_circuits_open",
      `INSERT INTO provider_circuits AS c (provider_id, opened_at, reason, error, updated_at)
       SELECT p.id, localtimestamp, $2, $3, localtimestamp FROM providers p WHERE p.id = $1
       ON CONFLICT (provider_id) DO UPDATE SET
         opened_at = CASE WHEN c.opened_at IS NULL OR c.trial_started_at IS NOT NULL THEN localtimestamp ELSE c.opened_at END,
         reason = CASE WHEN c.opened_at IS NULL OR c.trial_started_at IS NOT NULL THEN EXCLUDED.reason ELSE c.reason END,
         error = EXCLUDED.error, trial_started_at = NULL, updated_at = localtimestamp`,
      [providerId, reason, error?.slice(0, 300) ?? null],
    );
    this.cache.clear();
  }

  /** Closes it (its trial, or any request, succeeded). `onlyReason`: close only a circuit opened for that reason. */
  async close(providerId: string, onlyReason?: "check"): Promise<void> {
    await sqlRows(
      this.db,
      "sy_circuits_close",
      `UPDATE provider_circuits SET opened_at = NULL, reason = NULL, error = NULL, trial_started_at = NULL, updated_at = localtimestamp
       WHERE provider_id = $1 AND opened_at IS NOT NULL AND ($2::text IS NULL OR reason = $2::text)`,
      [providerId, onlyReason ?? null],
    );
    this.cache.clear();
  }

  /** Claims the single half-open trial: true for exactly one caller in the cluster per cooldown. */
  async claimTrial(providerId: string): Promise<boolean> {
    const rows = await sqlRows<{ provider_id: string }>(
      this.db,
      "sy_circuits_trial",
      `UPDATE provider_circuits SET trial_started_at = localtimestamp, updated_at = localtimestamp
       WHERE provider_id = $1 AND opened_at IS NOT NULL
         AND opened_at <= localtimestamp - $2::int8 * interval '1 millisecond'
         AND (trial_started_at IS NULL OR trial_started_at <= localtimestamp - $3::int8 * interval '1 millisecond')
       RETURNING provider_id`,
      [providerId, this.cooldownMs, TRIAL_TIMEOUT_MS],
    );
    this.cache.clear();
    return rows.length === 1;
  }

  /** An admin changed the provider (a new key, another URL): judge it afresh. */
  async reset(providerId: string): Promise<void> {
    await this.close(providerId);
  }

  invalidate(): void {
    this.cache.clear();
  }
}

/**
 * A provider's circuit as the admin's cards and the metrics show it: open in this process or in
 * the cluster (a circuit the active check opened is left to the check's own "down").
 */
export async function clusterCircuitView(
  local: Pick<CircuitBreakers, "state">,
  shared?: Pick<SharedCircuits, "snapshot">,
): Promise<Pick<CircuitBreakers, "state">> {
  const s = shared ? await shared.snapshot() : NO_CIRCUITS;
  return {
    state(id) {
      const own = local.state(id);
      if (own === "open" || s.checkDown.has(id)) return own;
      return s.skip.has(id) ? "open" : s.trial.has(id) ? "half-open" : own;
    },
  };
}
