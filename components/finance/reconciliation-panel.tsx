"use client";
import { useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Alert, Badge, Button, Card } from "@/components/ui/primitives";
import { formatUsd, formatUsdSigned } from "@/lib/money/units";
import type { DayRange } from "@/lib/usage/finance-range";
import {
  useReconciliation,
  useRepair,
  type Comparison,
  type Reconciliation,
  type ReconciliationRow,
  type Repairable,
} from "./finance-query";
import { count } from "./format";
import { TableScroll } from "./table-parts";

const TITLES: Record<string, { title: string; about: string }> = {
  ledger_charges_vs_usage: {
    title: "Ledger charges vs usage log",
    about: "Every charged request has one ledger charge of the same amount, and back.",
  },
  purchases_ledger_vs_events: {
    title: "Purchases: ledger vs Stripe events",
    about: "Every credited purchase came from a Stripe event we processed, for the same amount.",
  },
  purchases_ledger_vs_stripe: {
    title: "Purchases: ledger vs Stripe",
    about: "Every Checkout Session Stripe says was paid was credited, for the same amount.",
  },
  refunds_ledger_vs_events: {
    title: "Refunds: ledger vs Stripe events",
    about: "Every refund taken from credits came from a Stripe refund event we processed.",
  },
  refunds_ledger_vs_stripe: {
    title: "Refunds: ledger vs Stripe",
    about: "Every refund Stripe made was taken from the user's credits.",
  },
};

const titleOf = (name: string) =>
  TITLES[name] ?? { title: name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase()), about: "" };
const moneyOrNone = (micros: number | null) => (micros === null ? "none" : formatUsd(micros));

/**
 * Three witnesses for the money (the ledger, the Stripe events we processed, Stripe's own
 * records) and the ledger against the usage log: both totals and their difference, and the rows
 * that differ. An admin can credit a payment Stripe took and the ledger never recorded.
 */
export function ReconciliationPanel({ range, canRepair }: { range: DayRange; canRepair: boolean }) {
  const recon = useReconciliation(range);
  const repair = useRepair();
  const [asking, setAsking] = useState<Repairable | null>(null);
  const [done, setDone] = useState<string | null>(null);

  function ask(r: Repairable) {
    repair.reset();
    setDone(null);
    setAsking(r);
  }

  const data = recon.data;
  const listed = new Set(data?.comparisons.flatMap((c) => c.rows.filter((r) => r.repairable).map((r) => r.id)) ?? []);
  const unlisted = data?.repairable.filter((r) => !listed.has(r.session_id)) ?? [];

  return (
    <Card title="Reconciliation">
      <div className="space-y-4" aria-busy={recon.isFetching}>
        <div aria-live="polite">
          {done && (
            <Alert kind="success">
              <span className="wrap-anywhere">{done}</span>
            </Alert>
          )}
        </div>
        {recon.isPending ? (
          <p className="text-sm text-slate-500">Checking the books…</p>
        ) : !data ? (
          <Alert>{recon.error?.message ?? "Could not reconcile this range."}</Alert>
        ) : (
          <>
            {recon.error && <Alert>{recon.error.message}</Alert>}
            <StripeStatus data={data} />
            {data.comparisons.map((c) => (
              <ComparisonView
                key={c.name}
                comparison={c}
                repairable={data.repairable}
                canRepair={canRepair}
                onRepair={ask}
                busy={repair.isPending}
              />
            ))}
            {unlisted.length > 0 && (
              <section aria-label="Paid in Stripe, never credited" className="space-y-2">
                <h3 className="text-sm font-semibold text-slate-800">Paid in Stripe, never credited</h3>
                <ul className="divide-y divide-slate-100 text-sm">
                  {unlisted.map((r) => (
                    <li key={r.session_id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                      <span className="min-w-0 wrap-anywhere">
                        <code className="font-mono text-xs">{r.session_id}</code> · {formatUsd(r.amount_micros)} ·{" "}
                        {r.email ?? r.user_id ?? "unknown user"}
                      </span>
                      {canRepair && (
                        <Button variant="secondary" disabled={repair.isPending} onClick={() => ask(r)}>
                          Credit this payment
                        </Button>
                      )}
                    </li>
                  ))}
                </ul>
              </section>
            )}
          </>
        )}
      </div>

      {asking && (
        <ConfirmDialog
          title="Credit this payment?"
          confirmLabel="Credit payment"
          tone="neutral"
          pending={repair.isPending}
          error={repair.error?.message}
          onCancel={() => {
            setAsking(null);
            repair.reset();
          }}
          onConfirm={() =>
            repair.mutate(asking.session_id, {
              onSuccess: (result) => {
                setAsking(null);
                setDone(
                  result.credited
                    ? `Credited ${formatUsd(result.amount_micros)} to ${asking.email ?? asking.user_id ?? "the payer"} for ${asking.session_id}. ${result.detail}`
                    : `Nothing credited for ${asking.session_id}: ${result.detail}`,
                );
              },
            })
          }
        >
          <p>
            Stripe took <strong>{formatUsd(asking.amount_micros)}</strong> from{" "}
            <strong>{asking.email ?? asking.user_id ?? "an unknown user"}</strong> (Checkout Session{" "}
            <code className="font-mono text-xs">{asking.session_id}</code>), and the ledger never credited it.
          </p>
          <p>
            This adds those credits to their balance through the same exactly-once path as Stripe&apos;s webhook: if the
            payment was credited in the meantime, nothing changes.
          </p>
        </ConfirmDialog>
      )}
    </Card>
  );
}

function StripeStatus({ data }: { data: Reconciliation }) {
  if (data.stripe === "checked")
    return <p className="text-sm text-slate-600">Stripe: checked against Stripe&apos;s own records for this range.</p>;
  if (data.stripe === "not_configured") {
    return (
      <Alert kind="info">
        Stripe is not configured on this instance (no STRIPE_SECRET_KEY), so nothing is compared with Stripe&apos;s own
        records; purchases and refunds are compared with the events we received only.
      </Alert>
    );
  }
  return (
    <Alert>
      Stripe could not be reached, so the comparisons with Stripe&apos;s own records are missing. Try again later.
      {data.stripe_error ? ` (${data.stripe_error})` : ""}
    </Alert>
  );
}

function ComparisonView({
  comparison: c,
  repairable,
  canRepair,
  onRepair,
  busy,
}: {
  comparison: Comparison;
  repairable: Repairable[];
  canRepair: boolean;
  onRepair: (r: Repairable) => void;
  busy: boolean;
}) {
  const { title, about } = titleOf(c.name);
  const matches = c.difference_micros === 0 && c.rows.length === 0;
  return (
    <article
      aria-label={title}
      data-testid="reconciliation-comparison"
      className="space-y-2 rounded-md p-3 ring-1 ring-slate-200"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
        {matches ? (
          <Badge tone="green">matches</Badge>
        ) : (
          <Badge tone="red">
            {c.rows.length + c.more_rows === 1 ? "1 difference" : `${count(c.rows.length + c.more_rows)} differences`}
          </Badge>
        )}
      </div>
      {about && <p className="text-xs text-slate-500">{about}</p>}
      <dl className="grid grid-cols-1 gap-2 text-sm sm:grid-cols-3">
        <div className="min-w-0">
          <dt className="text-xs text-slate-500 first-letter:uppercase">{c.left.label}</dt>
          <dd className="font-medium wrap-anywhere tabular-nums">{formatUsd(c.left.total_micros)}</dd>
        </div>
        <div className="min-w-0">
          <dt className="text-xs text-slate-500 first-letter:uppercase">{c.right.label}</dt>
          <dd className="font-medium wrap-anywhere tabular-nums">{formatUsd(c.right.total_micros)}</dd>
        </div>
        <div className="min-w-0">
          <dt className="text-xs text-slate-500">Difference</dt>
          <dd
            className={`font-medium wrap-anywhere tabular-nums ${c.difference_micros === 0 ? "text-emerald-700" : "text-red-700"}`}
          >
            {formatUsdSigned(c.difference_micros)}
          </dd>
        </div>
      </dl>
      {c.rows.length > 0 && (
        <TableScroll>
          <table className="w-full min-w-[48rem] text-left text-sm" aria-label={`Differences: ${title}`}>
            <thead className="text-xs text-slate-500 uppercase">
              <tr>
                <th className="py-2 pr-3">Id</th>
                <th className="pr-3">{c.left.label}</th>
                <th className="pr-3">{c.right.label}</th>
                <th className="pr-3 text-right">Difference</th>
                <th className="pr-3">Problem</th>
                {canRepair && (
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top">
              {c.rows.map((r) => (
                <DiffRowView
                  key={`${r.id}:${r.left_id}:${r.right_id}`}
                  row={r}
                  repairable={repairable}
                  canRepair={canRepair}
                  onRepair={onRepair}
                  busy={busy}
                />
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {c.more_rows > 0 && (
        <p className="text-xs text-slate-500">
          And {count(c.more_rows)} more differing rows not listed: narrow the range to see them.
        </p>
      )}
    </article>
  );
}

function DiffRowView({
  row: r,
  repairable,
  canRepair,
  onRepair,
  busy,
}: {
  row: ReconciliationRow;
  repairable: Repairable[];
  canRepair: boolean;
  onRepair: (r: Repairable) => void;
  busy: boolean;
}) {
  const repair = r.repairable
    ? (repairable.find((x) => x.session_id === r.id) ?? {
        session_id: r.id,
        amount_micros: r.right_micros ?? 0,
        user_id: null,
        email: null,
      })
    : null;
  return (
    <tr data-testid="reconciliation-row">
      <td className="py-1.5 pr-3">
        <code className="block max-w-[14rem] font-mono text-xs break-all">{r.id}</code>
      </td>
      <td className="pr-3">
        <span className="tabular-nums">{moneyOrNone(r.left_micros)}</span>
        {r.left_id && (
          <code className="block max-w-[12rem] font-mono text-xs break-all text-slate-500">{r.left_id}</code>
        )}
      </td>
      <td className="pr-3">
        <span className="tabular-nums">{moneyOrNone(r.right_micros)}</span>
        {r.right_id && (
          <code className="block max-w-[12rem] font-mono text-xs break-all text-slate-500">{r.right_id}</code>
        )}
      </td>
      <td className="pr-3 text-right whitespace-nowrap text-red-700 tabular-nums">
        {formatUsdSigned(r.difference_micros)}
      </td>
      <td className="min-w-[14rem] pr-3 text-slate-700">{r.problem}</td>
      {canRepair && (
        <td className="py-1.5 text-right whitespace-nowrap">
          {repair && (
            <Button
              variant="secondary"
              disabled={busy}
              aria-label={`Credit this payment: ${r.id}`}
              onClick={() => onRepair(repair)}
            >
              Credit this payment
            </Button>
          )}
        </td>
      )}
    </tr>
  );
}
