import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";

/**
 * Daily rollups of usage_logs and ledger_entries, so finance reads a few thousand rows instead of
 * millions. Not kept in the settle statement: a (day, model) row would be one hot row that every
 * request of every user updates, serialising the gateway. Instead whole UTC days are rolled once
 * they are over and no transaction that could still write into them is running (rows are stamped
 * with their transaction's start time, so a transaction that began before the cutoff is the only
 * way a row older than the cutoff can still appear). Queries read rollups for rolled whole days
 * and the raw tables for the rest (lib/finance/range.ts), so every total stays exact.
 */

export const DAY_MS = 86_400_000;
const STATE = "daily";
const LOCK = Prisma.sql`SELECT pg_advisory_xact_lock(hashtext('switchyard.finance.rollup'))`;
// Rows are written by statements that take well under this; the running-transaction check below
// covers the rest.
const SETTLE_GRACE = Prisma.sql`interval '2 minutes'`;

export const floorDay = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
export const ceilDay = (d: Date) => new Date(Math.ceil(d.getTime() / DAY_MS) * DAY_MS);
/** A UTC day as YYYY-MM-DD. */
export const ymd = (d: Date) => d.toISOString().slice(0, 10);

type Reader = Pick<Db, "$queryRaw">;

async function stateOf(db: Reader, name: string): Promise<Date | null> {
  const rows = await db.$queryRaw<
    { until: Date }[]
  >`SELECT rolled_until AS until FROM rollup_state WHERE name = ${name}`;
  return rows[0]
    ? new Date(Date.UTC(rows[0].until.getUTCFullYear(), rows[0].until.getUTCMonth(), rows[0].until.getUTCDate()))
    : null;
}

/** Every UTC day before this instant is in the rollups (null: nothing rolled yet). */
export function rolledUntil(db: Reader): Promise<Date | null> {
  return stateOf(db, STATE);
}

// Usage retention (lib/usage/retention.ts) deletes the usage rows of rolled days older than this;
// their rollups are then the only record of those days and must never be rolled again from rows.
const PRUNED = "usage_pruned";

/** Usage rows of days before this may have been pruned; their usage rollups stand for them (null: nothing pruned). */
export function usagePrunedUntil(db: Reader): Promise<Date | null> {
  return stateOf(db, PRUNED);
}

/**
 * Under the rollup lock: the day before which usage rows may now be deleted — `wanted`'s day, but
 * never one not rolled yet — recorded before any row goes (a verify running meanwhile must not
 * count a half-pruned day as drift). The recorded horizon only moves forward. Null: nothing rolled.
 */
export async function advanceUsagePruned(db: Db, wanted: Date): Promise<Date | null> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw(LOCK);
    const until = await rolledUntil(tx);
    if (!until) return null;
    const cutoff = new Date(Math.min(floorDay(wanted).getTime(), until.getTime()));
    await tx.$executeRaw`INSERT INTO rollup_state (name, rolled_until, updated_at) VALUES (${PRUNED}, ${ymd(cutoff)}::date, now())
      ON CONFLICT (name) DO UPDATE SET rolled_until = GREATEST(rollup_state.rolled_until, EXCLUDED.rolled_until), updated_at = now()`;
    return cutoff;
  });
}

const USAGE_INSERT = (from: string, to: string) => Prisma.sql`
  INSERT INTO usage_daily (day, provider_slug, model_name, power_level, byok, requests, errors, prompt_tokens, completion_tokens,
    cache_read_tokens, cache_write_tokens, reasoning_tokens, charged_micros, provider_cost_micros, input_cost_micros,
    cache_read_cost_micros, cache_write_cost_micros, output_cost_micros, precision_cost_micros)
  SELECT created_at::date, COALESCE(provider_slug, 'none'), COALESCE(model_name, 'none'), COALESCE(power_level::text, 'none'), byok,
    count(*), count(*) FILTER (WHERE status = 'error'), sum(prompt_tokens), sum(completion_tokens),
    sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens), sum(charged_micros), sum(provider_cost_micros),
    sum(input_cost_micros), sum(cache_read_cost_micros), sum(cache_write_cost_micros), sum(output_cost_micros),
    sum(COALESCE(precision_cost_micros, charged_micros))
  FROM usage_logs WHERE created_at >= ${from}::date AND created_at < ${to}::date
  GROUP BY 1, 2, 3, 4, 5`;

const USER_INSERT = (from: string, to: string) => Prisma.sql`
  INSERT INTO usage_daily_users (day, user_id, requests, charged_micros, provider_cost_micros, precision_cost_micros)
  SELECT created_at::date, user_id, count(*), sum(charged_micros), sum(provider_cost_micros), sum(COALESCE(precision_cost_micros, charged_micros))
  FROM usage_logs WHERE created_at >= ${from}::date AND created_at < ${to}::date
  GROUP BY 1, 2`;

const USER_MODEL_INSERT = (from: string, to: string) => Prisma.sql`
  INSERT INTO usage_daily_user_models (day, user_id, provider_slug, model_name, power_level, requests, errors, prompt_tokens, completion_tokens, charged_micros, precision_cost_micros)
  SELECT created_at::date, user_id, COALESCE(provider_slug, 'none'), COALESCE(model_name, 'none'), COALESCE(power_level::text, 'none'),
    count(*), count(*) FILTER (WHERE status = 'error'), sum(prompt_tokens), sum(completion_tokens), sum(charged_micros), sum(COALESCE(precision_cost_micros, charged_micros))
  FROM usage_logs WHERE created_at >= ${from}::date AND created_at < ${to}::date
  GROUP BY 1, 2, 3, 4, 5`;

const LEDGER_INSERT = (from: string, to: string) => Prisma.sql`
  INSERT INTO ledger_daily (day, type, entries, amount_micros, shortfall_micros)
  SELECT created_at::date, type, count(*), sum(amount_micros), sum(shortfall_micros)
  FROM ledger_entries WHERE created_at >= ${from}::date AND created_at < ${to}::date
  GROUP BY 1, 2`;

/**
 * Rolls every whole day that is safe to roll and not rolled yet. Idempotent and safe to run from
 * several processes at once (one advisory lock; the state row says how far it got). Returns the
 * new horizon and how many days were added.
 */
export async function rollUp(
  db: Db,
  opts: { maxDays?: number } = {},
): Promise<{ rolledUntil: Date | null; days: number }> {
  // At most a week per transaction by default: the embedded database serves one transaction at a
  // time, so catching up on months of history (a first start after an upgrade) in one go would hold
  // every request for as long. The sweeper's next ticks roll the rest; figures stay exact meanwhile.
  const maxDays = opts.maxDays ?? 7;
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw(LOCK);
      // The latest safe instant, in the same clock the rows are stamped with (now() into a
      // timestamp column), held back by any other transaction still running.
      const [cut] = await tx.$queryRaw<{ safe: Date; first: Date | null; until: Date | null }[]>`
        SELECT LEAST(localtimestamp - ${SETTLE_GRACE},
                     COALESCE((SELECT min(xact_start)::timestamp FROM pg_stat_activity
                               WHERE pid <> pg_backend_pid() AND xact_start IS NOT NULL AND datname = current_database()), localtimestamp)) AS safe,
               LEAST((SELECT min(created_at) FROM usage_logs), (SELECT min(created_at) FROM ledger_entries)) AS first,
               (SELECT rolled_until::timestamp FROM rollup_state WHERE name = ${STATE}) AS until`;
      const horizon = floorDay(cut!.safe);
      const start = cut!.until ? floorDay(cut!.until) : cut!.first ? floorDay(cut!.first) : horizon;
      const target = new Date(Math.min(horizon.getTime(), start.getTime() + maxDays * DAY_MS));
      if (start >= target) {
        if (!cut!.until) await setState(tx, target);
        return { rolledUntil: cut!.until ? start : target, days: 0 };
      }
      const [from, to] = [ymd(start), ymd(target)];
      // Days whose usage rows were pruned keep their usage rollups: the rows that made them are gone.
      const pruned = await usagePrunedUntil(tx);
      const usageFrom = ymd(new Date(Math.max(start.getTime(), pruned?.getTime() ?? 0)));
      // Nothing should be there (days roll once), but a half-written earlier attempt must not count twice.
      if (usageFrom < to) {
        await tx.$executeRaw`DELETE FROM usage_daily WHERE day >= ${usageFrom}::date AND day < ${to}::date`;
        await tx.$executeRaw`DELETE FROM usage_daily_users WHERE day >= ${usageFrom}::date AND day < ${to}::date`;
        await tx.$executeRaw`DELETE FROM usage_daily_user_models WHERE day >= ${usageFrom}::date AND day < ${to}::date`;
        await tx.$executeRaw(USAGE_INSERT(usageFrom, to));
        await tx.$executeRaw(USER_INSERT(usageFrom, to));
        await tx.$executeRaw(USER_MODEL_INSERT(usageFrom, to));
      }
      await tx.$executeRaw`DELETE FROM ledger_daily WHERE day >= ${from}::date AND day < ${to}::date`;
      await tx.$executeRaw(LEDGER_INSERT(from, to));
      await setState(tx, target);
      return { rolledUntil: target, days: Math.round((target.getTime() - start.getTime()) / DAY_MS) };
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

async function setState(tx: Tx, until: Date) {
  await tx.$executeRaw`INSERT INTO rollup_state (name, rolled_until, updated_at) VALUES (${STATE}, ${ymd(until)}::date, now())
    ON CONFLICT (name) DO UPDATE SET rolled_until = EXCLUDED.rolled_until, updated_at = now()`;
}

/**
 * Drops every rollup and rolls again from the raw rows (after a bulk load such as demo-data),
 * except the usage rollups of days whose usage rows were pruned: nothing could roll them again.
 */
export async function rebuildRollups(db: Db): Promise<{ rolledUntil: Date | null; days: number }> {
  await db.$transaction(async (tx) => {
    await tx.$executeRaw(LOCK);
    const kept = ymd((await usagePrunedUntil(tx)) ?? new Date(0));
    await tx.$executeRaw`DELETE FROM usage_daily WHERE day >= ${kept}::date`;
    await tx.$executeRaw`DELETE FROM usage_daily_users WHERE day >= ${kept}::date`;
    await tx.$executeRaw`DELETE FROM usage_daily_user_models WHERE day >= ${kept}::date`;
    await tx.$executeRaw`DELETE FROM ledger_daily`;
    await tx.$executeRaw`DELETE FROM rollup_state WHERE name = ${STATE}`;
  });
  let total = 0;
  for (;;) {
    const r = await rollUp(db, { maxDays: 31 });
    total += r.days;
    if (r.days === 0) return { rolledUntil: r.rolledUntil, days: total };
  }
}

const PRUNED_DAY = "pruned day";

/**
 * Compares the rollups with the raw rows they summarise, day by day (for `ledger verify`): a
 * difference means a row was written into a day after it was rolled. Days whose usage rows were
 * pruned are compared with the ledger instead: the day's usage charged against its CHARGE entries
 * (every charge is written with its usage row, at the same instant and amount).
 */
export async function rollupDrift(db: Db): Promise<string[]> {
  const until = await rolledUntil(db);
  if (!until) return [];
  const pruned = ymd((await usagePrunedUntil(db)) ?? new Date(0));
  const rows = await db.$queryRaw<{ day: string; what: string; rolled: bigint | null; raw: bigint | null }[]>`
    WITH u AS (SELECT created_at::date AS day, count(*) AS n, sum(charged_micros) AS charged, sum(provider_cost_micros) AS cost
               FROM usage_logs WHERE created_at >= ${pruned}::date AND created_at < ${ymd(until)}::date GROUP BY 1),
         r AS (SELECT day, sum(requests) AS n, sum(charged_micros) AS charged, sum(provider_cost_micros) AS cost FROM usage_daily WHERE day >= ${pruned}::date GROUP BY 1),
         pu AS (SELECT day, sum(charged_micros) AS charged FROM usage_daily WHERE day < ${pruned}::date GROUP BY 1),
         pl AS (SELECT day, -sum(amount_micros) AS charged FROM ledger_daily WHERE type = 'CHARGE' AND day < ${pruned}::date GROUP BY 1),
         l AS (SELECT created_at::date AS day, type, count(*) AS n, sum(amount_micros) AS amount FROM ledger_entries WHERE created_at < ${ymd(until)}::date GROUP BY 1, 2),
         ld AS (SELECT day, type, entries AS n, amount_micros AS amount FROM ledger_daily)
    SELECT to_char(COALESCE(u.day, r.day), 'YYYY-MM-DD') AS day, 'usage requests' AS what, r.n::bigint AS rolled, u.n::bigint AS raw FROM u FULL JOIN r ON r.day = u.day WHERE u.n IS DISTINCT FROM r.n
    UNION ALL
    SELECT to_char(COALESCE(u.day, r.day), 'YYYY-MM-DD'), 'usage charged micros', r.charged::bigint, u.charged::bigint FROM u FULL JOIN r ON r.day = u.day WHERE u.charged IS DISTINCT FROM r.charged
    UNION ALL
    SELECT to_char(COALESCE(u.day, r.day), 'YYYY-MM-DD'), 'usage provider cost micros', r.cost::bigint, u.cost::bigint FROM u FULL JOIN r ON r.day = u.day WHERE u.cost IS DISTINCT FROM r.cost
    UNION ALL
    SELECT to_char(COALESCE(l.day, ld.day), 'YYYY-MM-DD'), 'ledger ' || COALESCE(l.type, ld.type)::text || ' micros', ld.amount::bigint, l.amount::bigint
    FROM l FULL JOIN ld ON ld.day = l.day AND ld.type = l.type WHERE l.amount IS DISTINCT FROM ld.amount OR l.n IS DISTINCT FROM ld.n
    UNION ALL
    SELECT to_char(COALESCE(pu.day, pl.day), 'YYYY-MM-DD'), ${PRUNED_DAY}::text, pu.charged::bigint, pl.charged::bigint
    FROM pu FULL JOIN pl ON pl.day = pu.day WHERE COALESCE(pu.charged, 0) <> COALESCE(pl.charged, 0)
    ORDER BY 1, 2`;
  return rows.map((r) =>
    r.what === PRUNED_DAY
      ? `${r.day}: usage charged micros rolled ${r.rolled ?? "none"} but the ledger's charges that day say ${r.raw ?? "none"} (its usage rows were pruned)`
      : `${r.day}: ${r.what} rolled ${r.rolled ?? "none"} but the rows say ${r.raw ?? "none"}`,
  );
}
