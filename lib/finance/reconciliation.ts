import type Stripe from "stripe";
import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { rolledUntil } from "./rollup.ts";
import { splitRange, type Range } from "./range.ts";
import { stripeObjectOf } from "./export.ts";
import { scrubSecrets } from "../security/scrub.ts";
import { formatUsd } from "../money/units.ts";
import { num } from "./query.ts";
import { createdIn } from "./sources.ts";

/**
 * Three witnesses for the money: the ledger, the Stripe events we processed, and Stripe's own
 * records (read through the official SDK), plus the ledger's charges against the usage rows they
 * were written with. Every comparison gives both totals, the difference and the differing rows,
 * each with its id on both sides; on consistent books every difference is zero.
 */

export type DiffRow = {
  id: string;
  left_id: string | null;
  right_id: string | null;
  left_micros: number | null;
  right_micros: number | null;
  difference_micros: number;
  problem: string;
  repairable?: true;
};

export type Comparison = {
  name: string;
  left: { label: string; total_micros: number };
  right: { label: string; total_micros: number };
  difference_micros: number;
  rows: DiffRow[];
  /** Differing rows beyond the ones listed. */
  more_rows: number;
};

export type Repairable = { session_id: string; amount_micros: number; user_id: string | null; email: string | null };

export type Reconciliation = {
  from: string;
  to: string;
  stripe: "checked" | "not_configured" | "unreachable";
  stripe_error?: string;
  comparisons: Comparison[];
  repairable: Repairable[];
};

const MAX_ROWS = 200;

function comparison(
  name: string,
  leftLabel: string,
  rightLabel: string,
  leftTotal: number,
  rightTotal: number,
  rows: DiffRow[],
): Comparison {
  return {
    name,
    left: { label: leftLabel, total_micros: leftTotal },
    right: { label: rightLabel, total_micros: rightTotal },
    difference_micros: leftTotal - rightTotal,
    rows: rows.slice(0, MAX_ROWS),
    more_rows: Math.max(0, rows.length - MAX_ROWS),
  };
}

/** One side's record of an object (a session, a charge): the ids behind it and its amount. */
type Side = { ids: string[]; amount: number | null };

/**
 * Compares two sides object by object over `list`: totals over all of them, and a row for each
 * object whose amounts differ (a missing side counts as 0), worded by `problem`.
 */
function compareSides<L extends Side, R extends Side>(
  list: string[],
  left: Map<string, L>,
  right: Map<string, R>,
  problem: (id: string, l: L | undefined, r: R | undefined) => string,
) {
  let leftTotal = 0;
  let rightTotal = 0;
  const rows: DiffRow[] = [];
  for (const id of list) {
    const l = left.get(id);
    const r = right.get(id);
    leftTotal += l?.amount ?? 0;
    rightTotal += r?.amount ?? 0;
    if ((l?.amount ?? 0) === (r?.amount ?? 0)) continue;
    rows.push({
      id,
      left_id: l?.ids.join(",") || null,
      right_id: r?.ids.join(",") || null,
      left_micros: l?.amount ?? null,
      right_micros: r?.amount ?? null,
      difference_micros: (l?.amount ?? 0) - (r?.amount ?? 0),
      problem: problem(id, l, r),
    });
  }
  return { leftTotal, rightTotal, rows };
}

// ---- ledger charges vs usage rows ------------------------------------------------------------

/** Row by row: every charged usage row has one CHARGE entry of the same amount ("charge:<request id>"), and back. */
async function chargeRowDiffs(db: Db, windows: Range[]): Promise<DiffRow[]> {
  if (!windows.length) return [];
  const rows = await db.$queryRaw<
    {
      usage_id: string | null;
      entry_id: bigint | null;
      req: string | null;
      usage: bigint | null;
      ledger: bigint | null;
    }[]
  >`
    SELECT l.id AS usage_id, e.id AS entry_id, e.req, l.charged_micros AS usage, -e.amount_micros AS ledger
    FROM (SELECT id, charged_micros FROM usage_logs WHERE ${createdIn(windows)} AND charged_micros <> 0) l
    FULL JOIN (SELECT id, amount_micros, substr(idempotency_key, 8) AS req FROM ledger_entries
               WHERE type = 'CHARGE' AND ${createdIn(windows)}) e ON e.req = l.id
    WHERE l.id IS NULL OR e.id IS NULL OR -e.amount_micros <> l.charged_micros
    ORDER BY 1, 2 LIMIT ${MAX_ROWS * 5}`;
  return rows.map((r) => {
    const left = r.entry_id === null ? null : num(r.ledger);
    const right = r.usage_id === null ? null : num(r.usage);
    const problem =
      left === null
        ? `usage row ${r.usage_id} says ${formatUsd(right!)} was charged, but the ledger has no charge for it`
        : right === null
          ? `ledger charge ${r.entry_id} (${formatUsd(left)}) has no usage row${r.req ? ` for request ${r.req}` : ""} in this range`
          : `ledger charged ${formatUsd(left)} but usage row ${r.usage_id} says ${formatUsd(right)}`;
    return {
      id: r.usage_id ?? r.req ?? String(r.entry_id),
      left_id: r.entry_id?.toString() ?? null,
      right_id: r.usage_id,
      left_micros: left,
      right_micros: right,
      difference_micros: (left ?? 0) - (right ?? 0),
      problem,
    };
  });
}

async function chargesVsUsage(db: Db, range: Range): Promise<Comparison> {
  const { rolled, raw } = splitRange(range, await rolledUntil(db));
  // Whole rolled days compare by their daily totals (count and sum); only a day that differs, and
  // the raw edges, are compared row by row. Keeps a 90-day range fast at millions of rows.
  const days = rolled
    ? await db.$queryRaw<
        { day: Date; usage: bigint | null; ledger: bigint | null; un: bigint | null; ln: bigint | null }[]
      >`
        SELECT COALESCE(u.day, l.day) AS day, u.charged AS usage, l.charged AS ledger, u.n AS un, l.n AS ln FROM
          (SELECT day, sum(charged_micros)::bigint AS charged, sum(requests)::bigint AS n FROM usage_daily
           WHERE day >= ${rolled.from}::date AND day < ${rolled.to}::date GROUP BY 1) u
        FULL JOIN
          (SELECT day, (-sum(amount_micros))::bigint AS charged, sum(entries)::bigint AS n FROM ledger_daily
           WHERE type = 'CHARGE' AND day >= ${rolled.from}::date AND day < ${rolled.to}::date GROUP BY 1) l ON l.day = u.day`
    : [];
  let usageTotal = 0;
  let ledgerTotal = 0;
  const suspect: Range[] = [];
  for (const d of days) {
    usageTotal += num(d.usage);
    ledgerTotal += num(d.ledger);
    // Usage days count every request, charged or not; a difference in sums is what matters here.
    if (num(d.usage) !== num(d.ledger)) suspect.push({ from: d.day, to: new Date(d.day.getTime() + 86_400_000) });
  }
  if (raw.length) {
    const [t] = await db.$queryRaw<{ usage: bigint | null; ledger: bigint | null }[]>`
      SELECT (SELECT sum(charged_micros) FROM usage_logs WHERE ${createdIn(raw)})::bigint AS usage,
             (SELECT -sum(amount_micros) FROM ledger_entries WHERE type = 'CHARGE' AND ${createdIn(raw)})::bigint AS ledger`;
    usageTotal += num(t?.usage);
    ledgerTotal += num(t?.ledger);
  }
  const rows = await chargeRowDiffs(db, [...suspect, ...raw]);
  return comparison("ledger_charges_vs_usage", "ledger charges", "usage log", ledgerTotal, usageTotal, rows);
}

// ---- purchases and refunds: ledger vs processed events vs Stripe ---------------------------

type StripeSide = Side & { paid: boolean; userId: string | null };

async function listPaidSessions(stripe: Stripe, range: Range): Promise<Map<string, StripeSide>> {
  const out = new Map<string, StripeSide>();
  const created = { gte: Math.floor(range.from.getTime() / 1000), lt: Math.ceil(range.to.getTime() / 1000) };
  for await (const s of stripe.checkout.sessions.list({ created, limit: 100 })) {
    if (s.payment_status !== "paid") continue;
    out.set(s.id, sessionSide(s));
  }
  return out;
}

function sessionSide(s: Stripe.Checkout.Session): StripeSide {
  const paid = s.payment_status === "paid";
  return {
    ids: [s.id],
    amount: paid && s.currency === "usd" && s.amount_total != null ? s.amount_total * 10_000 : 0,
    paid,
    userId: s.metadata?.user_id ?? s.client_reference_id ?? null,
  };
}

async function retrieveSession(stripe: Stripe, id: string): Promise<StripeSide> {
  try {
    return sessionSide(await stripe.checkout.sessions.retrieve(id));
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404)
      return { ids: [], amount: null, paid: false, userId: null };
    throw err;
  }
}

async function purchases(
  db: Db,
  range: Range,
  stripe: Stripe | null,
): Promise<{ comparisons: Comparison[]; repairable: Repairable[] }> {
  const inRange = await db.$queryRaw<{ key: string }[]>`
    SELECT idempotency_key AS key FROM ledger_entries WHERE type = 'PURCHASE' AND created_at >= ${range.from} AND created_at < ${range.to} AND idempotency_key LIKE 'stripe-session:%'`;
  const eventsInRange = await db.$queryRaw<{ object_id: string }[]>`
    SELECT DISTINCT object_id FROM stripe_events WHERE type LIKE 'checkout.session.%' AND object_id IS NOT NULL AND processed_at >= ${range.from} AND processed_at < ${range.to}`;
  const stripeListed = stripe ? await listPaidSessions(stripe, range) : new Map<string, StripeSide>();
  const ids = new Set<string>([
    ...inRange.map((r) => stripeObjectOf(r.key)!),
    ...eventsInRange.map((e) => e.object_id),
    ...stripeListed.keys(),
  ]);
  const list = [...ids].sort();

  const ledger = new Map<string, Side & { amount: number }>();
  const events = new Map<string, { ids: string[]; amount: number }>();
  if (list.length) {
    for (const e of await db.$queryRaw<{ id: bigint; key: string; amount: bigint; user_id: string }[]>`
      SELECT e.id, e.idempotency_key AS key, e.amount_micros AS amount, a.user_id FROM ledger_entries e JOIN credit_accounts a ON a.id = e.account_id
      WHERE e.idempotency_key IN (${Prisma.join(list.map((id) => `stripe-session:${id}`))})`) {
      ledger.set(stripeObjectOf(e.key)!, { ids: [e.id.toString()], amount: num(e.amount) });
    }
    for (const e of await db.$queryRaw<{ id: string; object_id: string; amount: bigint | null }[]>`
      SELECT id, object_id, amount_micros AS amount FROM stripe_events WHERE type LIKE 'checkout.session.%' AND object_id IN (${Prisma.join(list)}) ORDER BY processed_at`) {
      const cur = events.get(e.object_id) ?? { ids: [], amount: 0 };
      cur.ids.push(e.id);
      // Several events for one session ("completed", "async_payment_succeeded", a repair) state one amount.
      cur.amount = Math.max(cur.amount, num(e.amount));
      events.set(e.object_id, cur);
    }
  }

  const vsEvents = compareSides(list, ledger, events, (id, l, e) =>
    !l
      ? `a processed event says session ${id} paid ${formatUsd(e!.amount!)}, but the ledger never credited it`
      : !e
        ? `the ledger credited session ${id} without any processed Stripe event`
        : `the ledger credited ${formatUsd(l.amount)} for session ${id}, the event said ${formatUsd(e.amount!)}`,
  );
  const comparisons = [
    comparison(
      "purchases_ledger_vs_events",
      "ledger purchases",
      "processed Stripe events",
      vsEvents.leftTotal,
      vsEvents.rightTotal,
      vsEvents.rows,
    ),
  ];
  const repairable: Repairable[] = [];
  if (!stripe) return { comparisons, repairable };

  // Sessions credited in the range but created before it (or never known) are looked up one by one.
  const sessions = new Map<string, StripeSide>();
  for (const id of list) sessions.set(id, stripeListed.get(id) ?? (await retrieveSession(stripe, id)));
  const vsStripe = compareSides(list, ledger, sessions, (id, l, s) =>
    !s!.ids.length
      ? `the ledger credited session ${id}, which Stripe does not know`
      : !l && s!.paid
        ? `Stripe says session ${id} was paid ${formatUsd(s!.amount ?? 0)}, but it was never credited (the webhook did not arrive or failed)`
        : !s!.paid
          ? `the ledger credited session ${id}, which Stripe says is not paid`
          : `the ledger credited ${formatUsd(l!.amount)} for session ${id}; Stripe says ${formatUsd(s!.amount ?? 0)}`,
  );
  for (const row of vsStripe.rows) {
    const s = sessions.get(row.id)!;
    if (ledger.has(row.id) || !s.paid) continue;
    row.repairable = true;
    repairable.push({ session_id: row.id, amount_micros: s.amount ?? 0, user_id: s.userId, email: null });
  }
  if (repairable.length) {
    const users = await db.user.findMany({
      where: { id: { in: repairable.flatMap((r) => (r.user_id ? [r.user_id] : [])) } },
      select: { id: true, email: true },
    });
    for (const r of repairable) r.email = users.find((u) => u.id === r.user_id)?.email ?? null;
  }
  comparisons.push(
    comparison(
      "purchases_ledger_vs_stripe",
      "ledger purchases",
      "Stripe (paid Checkout Sessions)",
      vsStripe.leftTotal,
      vsStripe.rightTotal,
      vsStripe.rows,
    ),
  );
  return { comparisons, repairable };
}

async function refunds(db: Db, range: Range, stripe: Stripe | null): Promise<Comparison[]> {
  const inRange = await db.$queryRaw<{ key: string }[]>`
    SELECT idempotency_key AS key FROM ledger_entries WHERE type = 'REFUND' AND created_at >= ${range.from} AND created_at < ${range.to} AND idempotency_key LIKE 'stripe-refund:%'`;
  const eventsInRange = await db.$queryRaw<{ object_id: string }[]>`
    SELECT DISTINCT object_id FROM stripe_events WHERE type = 'charge.refunded' AND object_id IS NOT NULL AND processed_at >= ${range.from} AND processed_at < ${range.to}`;
  const stripeCharges = new Set<string>();
  if (stripe) {
    const created = { gte: Math.floor(range.from.getTime() / 1000), lt: Math.ceil(range.to.getTime() / 1000) };
    for await (const r of stripe.refunds.list({ created, limit: 100 })) {
      const charge = typeof r.charge === "string" ? r.charge : r.charge?.id;
      if (charge) stripeCharges.add(charge);
    }
  }
  const list = [
    ...new Set([
      ...inRange.map((r) => stripeObjectOf(r.key)!),
      ...eventsInRange.map((e) => e.object_id),
      ...stripeCharges,
    ]),
  ].sort();

  // Per charge, all time: the ledger's refunds (and what it could not take back), the largest
  // cumulative amount an event stated, and the refunds Stripe lists for the charge.
  const ledger = new Map<string, { ids: string[]; amount: number; shortfall: number }>();
  const events = new Map<string, { ids: string[]; amount: number }>();
  if (list.length) {
    for (const e of await db.$queryRaw<{ id: bigint; key: string; amount: bigint; shortfall: bigint }[]>`
      SELECT id, idempotency_key AS key, amount_micros AS amount, shortfall_micros AS shortfall FROM ledger_entries
      WHERE type = 'REFUND' AND split_part(idempotency_key, ':', 2) IN (${Prisma.join(list)}) AND idempotency_key LIKE 'stripe-refund:%'`) {
      const charge = stripeObjectOf(e.key)!;
      const cur = ledger.get(charge) ?? { ids: [], amount: 0, shortfall: 0 };
      cur.ids.push(e.id.toString());
      cur.amount += -num(e.amount);
      cur.shortfall += num(e.shortfall);
      ledger.set(charge, cur);
    }
    for (const e of await db.$queryRaw<{ id: string; object_id: string; amount: bigint | null }[]>`
      SELECT id, object_id, amount_micros AS amount FROM stripe_events WHERE type = 'charge.refunded' AND object_id IN (${Prisma.join(list)})`) {
      const cur = events.get(e.object_id) ?? { ids: [], amount: 0 };
      cur.ids.push(e.id);
      cur.amount = Math.max(cur.amount, num(e.amount));
      events.set(e.object_id, cur);
    }
  }
  const explain = (
    charge: string,
    l: { amount: number; shortfall: number } | undefined,
    other: number | null,
    who: string,
  ) => {
    other ??= 0;
    const got = l?.amount ?? 0;
    if (l && l.shortfall > 0 && got + l.shortfall === other)
      return `${who} refunded ${formatUsd(other)} on charge ${charge}; the ledger took back ${formatUsd(got)}: the other ${formatUsd(l.shortfall)} of credits had already been spent`;
    if (!l) return `${who} refunded ${formatUsd(other)} on charge ${charge}, but the ledger recorded no refund`;
    return `the ledger took back ${formatUsd(got)} for charge ${charge}; ${who} says ${formatUsd(other)}`;
  };

  const vsEvents = compareSides(list, ledger, events, (id, l, e) =>
    explain(id, l, e?.amount ?? 0, "a processed event"),
  );
  const out = [
    comparison(
      "refunds_ledger_vs_events",
      "ledger refunds",
      "processed Stripe events",
      vsEvents.leftTotal,
      vsEvents.rightTotal,
      vsEvents.rows,
    ),
  ];
  if (!stripe) return out;

  const stripeRefunds = new Map<string, Side & { amount: number }>();
  for (const id of list) {
    const side = { ids: [] as string[], amount: 0 };
    for await (const r of stripe.refunds.list({ charge: id, limit: 100 })) {
      if (r.status === "failed" || r.status === "canceled") continue;
      side.ids.push(r.id);
      side.amount += r.amount * 10_000;
    }
    stripeRefunds.set(id, side);
  }
  const vsStripe = compareSides(list, ledger, stripeRefunds, (id, l, r) => explain(id, l, r?.amount ?? 0, "Stripe"));
  out.push(
    comparison(
      "refunds_ledger_vs_stripe",
      "ledger refunds",
      "Stripe refunds",
      vsStripe.leftTotal,
      vsStripe.rightTotal,
      vsStripe.rows,
    ),
  );
  return out;
}

export async function reconcile(db: Db, range: Range, stripe: Stripe | null): Promise<Reconciliation> {
  const charges = await chargesVsUsage(db, range);
  const base = { from: range.from.toISOString(), to: range.to.toISOString() };
  if (!stripe) {
    const [p, r] = await Promise.all([purchases(db, range, null), refunds(db, range, null)]);
    return { ...base, stripe: "not_configured", comparisons: [charges, ...p.comparisons, ...r], repairable: [] };
  }
  try {
    const [p, r] = await Promise.all([purchases(db, range, stripe), refunds(db, range, stripe)]);
    return { ...base, stripe: "checked", comparisons: [charges, ...p.comparisons, ...r], repairable: p.repairable };
  } catch (err) {
    // Stripe down or refusing: the ledger's own comparisons still stand.
    const [p, r] = await Promise.all([purchases(db, range, null), refunds(db, range, null)]);
    const message = err instanceof Error ? err.message : String(err);
    return {
      ...base,
      stripe: "unreachable",
      stripe_error: `Stripe could not be read: ${scrubSecrets(message).slice(0, 300)}`,
      comparisons: [charges, ...p.comparisons, ...r],
      repairable: [],
    };
  }
}
