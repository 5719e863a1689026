"use client";
import { Alert, Badge, Button, Card } from "@/components/ui/primitives";
import { useLedger, type LedgerType } from "./credits-query";
import { formatUsdAmount, formatUsdSigned, usdToMicros } from "@/lib/money/units";

const TONE: Record<LedgerType, "green" | "indigo" | "amber" | "red" | "slate"> = {
  PURCHASE: "green",
  GRANT: "indigo",
  CORRECTION: "amber",
  REFUND: "red",
  CHARGE: "slate",
};

/** The ledger, newest first, with the balance after each entry; pages on with "Load more". */
export function StatementTable() {
  const ledger = useLedger();
  const rows = ledger.data?.pages.flatMap((p) => p.data) ?? [];
  const csv = (
    <a
      href="/api/credits/statement.csv"
      download
      className="rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50"
    >
      Download CSV
    </a>
  );
  return (
    <Card title="Statement" actions={csv}>
      {ledger.isPending ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : !ledger.data ? (
        <Alert>{ledger.error?.message ?? "Could not load the statement."}</Alert>
      ) : rows.length === 0 ? (
        <p className="text-sm text-slate-500">
          No entries yet. Purchases, grants and charges for your requests will be listed here.
        </p>
      ) : (
        <>
          <ul className="divide-y divide-slate-100 sm:hidden">
            {rows.map((r) => {
              const amount = usdToMicros(r.amount_usd);
              return (
                <li key={r.id} className="space-y-1 py-2.5 text-sm">
                  <div className="flex items-center justify-between gap-2">
                    <Badge tone={TONE[r.type] ?? "slate"}>{r.type}</Badge>
                    <span className={`font-medium tabular-nums ${amount > 0 ? "text-emerald-700" : "text-slate-800"}`}>
                      {formatUsdSigned(amount)}
                    </span>
                  </div>
                  <div className="flex items-center justify-between gap-2 text-xs text-slate-500">
                    <time dateTime={r.created_at}>{new Date(r.created_at).toLocaleString()}</time>
                    <span className="tabular-nums">balance {formatUsdAmount(r.balance_after_usd)}</span>
                  </div>
                  <p className="truncate text-xs text-slate-500" title={r.reference}>
                    {r.reference}
                  </p>
                </li>
              );
            })}
          </ul>
          <div className="-mx-4 hidden overflow-x-auto px-4 sm:block">
            <table className="w-full min-w-[36rem] text-left text-sm">
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th className="py-2 pr-3">Date</th>
                  <th className="pr-3">Type</th>
                  <th className="pr-3 text-right">Amount</th>
                  <th className="pr-3 text-right">Balance after</th>
                  <th>Reference</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((r) => {
                  const amount = usdToMicros(r.amount_usd);
                  return (
                    <tr key={r.id} data-testid="statement-row">
                      <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
                        <time dateTime={r.created_at}>{new Date(r.created_at).toLocaleString()}</time>
                      </td>
                      <td className="pr-3">
                        <Badge tone={TONE[r.type] ?? "slate"}>{r.type}</Badge>
                      </td>
                      <td
                        data-testid="statement-amount"
                        className={`pr-3 text-right whitespace-nowrap tabular-nums ${amount > 0 ? "text-emerald-700" : "text-slate-800"}`}
                      >
                        {formatUsdSigned(amount)}
                      </td>
                      <td
                        data-testid="statement-balance-after"
                        className="pr-3 text-right whitespace-nowrap tabular-nums"
                      >
                        {formatUsdAmount(r.balance_after_usd)}
                      </td>
                      <td className="max-w-[18rem] truncate text-xs text-slate-500" title={r.reference}>
                        {r.reference}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {ledger.hasNextPage && (
            <div className="mt-3 flex justify-center">
              <Button
                variant="secondary"
                onClick={() => void ledger.fetchNextPage()}
                disabled={ledger.isFetchingNextPage}
              >
                {ledger.isFetchingNextPage ? "Loading…" : "Load more"}
              </Button>
            </div>
          )}
          {ledger.error && (
            <div className="mt-3">
              <Alert>{ledger.error.message}</Alert>
            </div>
          )}
        </>
      )}
    </Card>
  );
}
