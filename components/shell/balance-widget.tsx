"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { CREDITS_KEY, useCredits } from "@/components/credits/credits-query";
import { formatUsd, formatUsdCents, usdToMicros } from "@/lib/money/units";

const REFRESH_MS = 15_000;

/**
 * The header's available balance, linking to /credits. It refreshes every 15 s, on window focus,
 * on navigation, and when a chat turn has been saved (its cost has been charged by then).
 */
export function BalanceWidget() {
  const queryClient = useQueryClient();
  const pathname = usePathname();
  const credits = useCredits({ refetchInterval: REFRESH_MS });

  const shownPath = useRef(pathname);
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    void queryClient.invalidateQueries({ queryKey: CREDITS_KEY, exact: true });
  }, [pathname, queryClient]);

  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (event.type === "updated" && event.action.type === "success" && event.query.queryKey[0] === "conversation") {
          void queryClient.invalidateQueries({ queryKey: CREDITS_KEY, exact: true });
        }
      }),
    [queryClient],
  );

  const available = credits.data ? usdToMicros(credits.data.available_usd) : null;
  // A negative balance is a debt; "available" stops at $0.00 and would hide it.
  const owed = credits.data && credits.data.balance_usd < 0 ? -usdToMicros(credits.data.balance_usd) : 0;
  const low = available !== null && available < 1_000_000;
  // The pill has room for cents only; the exact figure is in the tooltip and the accessible name.
  const shown = available === null ? "…" : formatUsdCents(owed > 0 ? -owed : available);
  const exact =
    available === null
      ? "Available credits"
      : owed > 0
        ? `Your account owes ${formatUsd(owed)}`
        : `Available credits: ${formatUsd(available)}`;
  const tone =
    owed > 0
      ? "bg-red-50 text-red-800 ring-red-200 hover:bg-red-100"
      : low
        ? "bg-amber-50 text-amber-800 ring-amber-200 hover:bg-amber-100"
        : "bg-emerald-50 text-emerald-800 ring-emerald-200 hover:bg-emerald-100";
  return (
    <Link
      href="/credits"
      data-testid="balance-widget"
      aria-label={exact}
      title={owed > 0 ? `${exact}: paid models are paused until credits cover it` : exact}
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 text-sm font-medium whitespace-nowrap tabular-nums ring-1 ${tone}`}
    >
      <span aria-hidden className="text-xs font-normal opacity-70">
        Credits
      </span>
      <span>{shown}</span>
    </Link>
  );
}
