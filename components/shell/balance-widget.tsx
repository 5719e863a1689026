"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { CREDITS_KEY, useCredits } from "@/components/credits/credits-query";
import { centsUsd, exactUsd, micros } from "@/components/credits/money";

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

  const available = credits.data ? micros(credits.data.available_usd) : null;
  const low = available !== null && available < 1_000_000;
  return (
    <Link
      href="/credits"
      data-testid="balance-widget"
      aria-label={available === null ? "Available credits" : `Available credits ${centsUsd(available)}`}
      title={available === null ? "Available credits" : `Available credits: ${exactUsd(available)}`}
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 text-sm font-medium tabular-nums ring-1 ${low ? "bg-amber-50 text-amber-800 ring-amber-200 hover:bg-amber-100" : "bg-emerald-50 text-emerald-800 ring-emerald-200 hover:bg-emerald-100"}`}
    >
      <span aria-hidden className="text-xs font-normal opacity-70">Credits</span>
      <span>{available === null ? "…" : centsUsd(available)}</span>
    </Link>
  );
}
