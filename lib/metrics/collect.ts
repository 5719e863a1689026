import type { Db } from "../db/client.ts";
import type { CircuitBreakers } from "../health/circuit-breaker.ts";
import { healthSummary, type ProviderHealthView } from "../health/summary.ts";
import { getSetting, setSetting } from "../system/settings.ts";
import { metrics } from "./registry.ts";

export const LEDGER_VERIFY_SETTING = "ledger.verify.last";
type VerifyRun = { at: string; ok: boolean };

const STATES: ProviderHealthView["state"][] = [
  "healthy",
  "degraded",
  "down",
  "circuit_open",
  "unknown",
  "disabled",
  "unconfigured",
];

/** `ledger verify` (the CLI) leaves its verdict for the metrics. */
export async function noteLedgerVerify(db: Pick<Db, "systemSetting">, ok: boolean, at = new Date()): Promise<void> {
  await setSetting(db, LEDGER_VERIFY_SETTING, { at: at.toISOString(), ok } satisfies VerifyRun);
}

/**
 * The Prometheus text of this process, with the gauges read at scrape time: each provider's
 * circuit (this process) and state (the admin cards' rule), the cluster's holds outstanding, and
 * the last ledger verify. A few queries per scrape, none per request.
 */
export async function metricsText(
  db: Db,
  breakers: Pick<CircuitBreakers, "state">,
): Promise<{ contentType: string; body: string }> {
  const m = metrics();
  const [health, holds, verify] = await Promise.all([
    healthSummary(db, breakers),
    db.$queryRaw<
      { n: bigint; micros: bigint | null }[]
    >`SELECT count(*) AS n, sum(amount_micros)::int8 AS micros FROM reservations WHERE status = 'HELD'`,
    getSetting<VerifyRun | null>(db, LEDGER_VERIFY_SETTING, null),
  ]);
  m.circuit.reset();
  m.health.reset();
  for (const p of health) {
    m.circuit.labels(p.provider).set(p.state === "circuit_open" ? 1 : 0);
    for (const s of STATES) m.health.labels(p.provider, s).set(p.state === s ? 1 : 0);
  }
  m.holds.set(Number(holds[0]?.n ?? 0));
  m.holdsMicros.set(Number(holds[0]?.micros ?? 0));
  if (verify) {
    if (!m.registry.getSingleMetric("switchyard_ledger_verify_ok")) {
      m.registry.registerMetric(m.verifyOk);
      m.registry.registerMetric(m.verifyAt);
    }
    m.verifyOk.set(verify.ok ? 1 : 0);
    m.verifyAt.set(Math.floor(Date.parse(verify.at) / 1000));
  }
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}
