/**
 * Active health checks that cost nothing: each provider's model list (never a completion), with
 * the platform key where one is stored, every `check_interval_s` (default 60; null: off; never the
 * simulated provider). A provider that needs a key and has none is "unconfigured" and is not
 * called. Exactly one app process of a cluster checks (a lease in the database, lib/health/lease.ts):
 * N processes do not multiply the calls, and when the checker dies another takes over within two
 * intervals.
 */
import type { Db } from "../db/client.ts";
import type { KeyRing } from "../crypto/secret-box.ts";
import { open } from "../crypto/secret-box.ts";
import { platformKeyAad } from "../crypto/master-key.ts";
import { modelListRequest } from "../byok/verify.ts";
import { getRequest, messageFromErrorBody, type UpstreamResponse } from "../providers/http.ts";
import { scrubSecrets } from "../security/scrub.ts";
import { runUnderLease } from "./lease.ts";
import { SharedCircuits } from "./shared-circuits.ts";
import { DEFAULTS, env } from "../config/env.ts";

export const CHECKER_LEASE = "health-checker";
export const DEFAULT_CHECK_INTERVAL_MS = DEFAULTS.SWITCHYARD_HEALTH_CHECK_INTERVAL_MS;
const CHECK_TIMEOUT_MS = 10_000;

export type CheckOutcome = "ok" | "failed" | "unconfigured";
export type CheckResult = {
  outcome: CheckOutcome;
  status: number | null;
  error: string | null;
  latencyMs: number | null;
};

type Get = (
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  secrets: string[],
) => Promise<Pick<UpstreamResponse, "status" | "text" | "body">>;

type CheckedProvider = {
  id: string;
  name: string;
  kind: "OPENAI_COMPATIBLE" | "ANTHROPIC" | "SIMULATED";
  baseUrl: string;
  requiresKey: boolean;
  apiKeyCiphertext: string | null;
};

/** One provider's check: its model list answered 2xx (ok), anything else (failed), or no key to ask with. */
export async function checkProvider(
  p: CheckedProvider,
  keys: () => Buffer | KeyRing,
  get: Get = getRequest,
  now: () => number = Date.now,
): Promise<CheckResult> {
  let apiKey = "";
  if (p.apiKeyCiphertext) {
    try {
      apiKey = open(p.apiKeyCiphertext, keys(), platformKeyAad(p.id));
    } catch {
      return {
        outcome: "failed",
        status: null,
        error: "the stored platform key cannot be decrypted with this master key",
        latencyMs: null,
      };
    }
  } else if (p.requiresKey) return { outcome: "unconfigured", status: null, error: null, latencyMs: null };
  const { url, headers } = modelListRequest(p, apiKey);
  if (!apiKey) delete headers.authorization;
  const started = now();
  const secrets = apiKey ? [apiKey] : [];
  try {
    const res = await get(url, headers, AbortSignal.timeout(CHECK_TIMEOUT_MS), secrets);
    const latencyMs = now() - started;
    const text = await res.text().catch(() => "");
    if (res.status >= 200 && res.status < 300) return { outcome: "ok", status: res.status, error: null, latencyMs };
    const reason = messageFromErrorBody(text, secrets) ?? `HTTP ${res.status}`;
    return { outcome: "failed", status: res.status, error: clip(scrubSecrets(reason, secrets)), latencyMs };
  } catch (err) {
    return {
      outcome: "failed",
      status: 0,
      error: clip(scrubSecrets(err instanceof Error ? err.message : String(err), secrets)),
      latencyMs: null,
    };
  }
}

const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s);

/** Checks every enabled, checkable provider whose interval has passed since its last check; returns how many were checked. */
export async function runDueChecks(
  db: Db,
  keys: () => Buffer | KeyRing,
  opts: {
    get?: Get;
    intervalOverrideMs?: number;
    now?: () => number;
    circuits?: Pick<SharedCircuits, "open" | "close">;
  } = {},
): Promise<number> {
  const now = opts.now ?? Date.now;
  const circuits = opts.circuits ?? new SharedCircuits(db);
  const providers = await db.provider.findMany({
    where: { enabled: true, kind: { not: "SIMULATED" }, checkIntervalS: { not: null } },
    select: {
      id: true,
      name: true,
      kind: true,
      baseUrl: true,
      requiresKey: true,
      apiKeyCiphertext: true,
      checkIntervalS: true,
      lastCheck: { select: { checkedAt: true, consecutiveFailures: true } },
    },
  });
  const due = providers.filter((p) => {
    const interval = opts.intervalOverrideMs ?? p.checkIntervalS! * 1000;
    return !p.lastCheck || now() - p.lastCheck.checkedAt.getTime() >= interval * 0.9;
  });
  await Promise.all(
    due.map(async (p) => {
      const r = await checkProvider(p, keys, opts.get, now);
      const failures = r.outcome === "failed" ? (p.lastCheck?.consecutiveFailures ?? 0) + 1 : 0;
      const data = {
        checkedAt: new Date(now()),
        outcome: r.outcome,
        status: r.status,
        error: r.error,
        latencyMs: r.latencyMs,
        consecutiveFailures: failures,
      };
      await db.providerCheck.upsert({
        where: { providerId: p.id },
        create: { providerId: p.id, ...data },
        update: data,
      });
      // Every process routes by it: a failed check opens the provider's circuit for the cluster
      // (one half-open trial per cooldown still probes it); a passing check closes only a circuit
      // a check opened — a model list that answers does not prove completions work.
      if (r.outcome === "failed") await circuits.open(p.id, "check", r.error);
      else if (r.outcome === "ok") await circuits.close(p.id, "check");
    }),
  );
  return due.length;
}

/**
 * Runs in every app process; only the lease holder checks. Ticks at a quarter of the interval:
 * the holder renews its lease (ttl = one interval) and checks what is due; the others only ask
 * for the lease, so a dead holder is replaced within interval + a quarter.
 */
export function startHealthChecker(
  db: Db,
  keys: () => Buffer | KeyRing,
  opts: { intervalMs?: number; get?: Get } = {},
): () => Promise<void> {
  const fromEnv = env("SWITCHYARD_HEALTH_CHECK_INTERVAL_MS");
  const intervalMs = opts.intervalMs ?? fromEnv ?? DEFAULT_CHECK_INTERVAL_MS;
  const override = fromEnv !== undefined ? intervalMs : undefined;
  return runUnderLease(db, {
    name: CHECKER_LEASE,
    ttlMs: intervalMs,
    tickMs: Math.max(250, Math.floor(intervalMs / 4)),
    what: "health: active checks",
    work: () => runDueChecks(db, keys, { get: opts.get, intervalOverrideMs: override }),
  });
}
