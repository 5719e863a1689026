"use client";
import Link from "next/link";
import { useState } from "react";
import { formatUsdAmount } from "@/lib/money/units";
import { RouteExplanation } from "./route-explanation";
import type { ReplyMeta } from "./types";

const ms = (n: number | undefined) =>
  n === undefined ? "—" : n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;

/** Where a person fixes what caused a downgrade. */
const FIX: Record<string, { href: string; label: string }> = {
  credits: { href: "/credits", label: "Add credits" },
  budget: { href: "/settings", label: "Monthly budget" },
};

/**
 * The line under a reply: the level that served it, who, tokens, the charge, timing, the rules
 * applied — and in words, next to it, when it was served below the level asked or after a
 * provider failed. "Why this model?" opens the receipt recorded with the request.
 */
export function ReplyMetaLine({ meta }: { meta: ReplyMeta }) {
  const [why, setWhy] = useState(false);
  const hasUsage = meta.cost_usd !== undefined;
  const parts: string[] = [];
  if (meta.error && !meta.provider) parts.push("not served");
  if (meta.power_level) parts.push(meta.power_level);
  if (meta.provider) parts.push(meta.provider);
  if (meta.model) parts.push(meta.model);
  if (hasUsage) {
    parts.push(`${meta.prompt_tokens ?? 0} in / ${meta.completion_tokens ?? 0} out tokens`);
    parts.push(`cost ${formatUsdAmount(meta.cost_usd!)}${meta.stopped ? " (stopped)" : ""}`);
  } else if (meta.stopped) {
    parts.push("stopped: tokens and cost are still accounted, but not reported back");
  }
  if (meta.latency_ms !== undefined)
    parts.push(`${ms(meta.latency_ms)} total${meta.ttft_ms !== undefined ? `, first token ${ms(meta.ttft_ms)}` : ""}`);
  if (meta.fallbacks !== undefined) parts.push(`${meta.fallbacks} ${meta.fallbacks === 1 ? "fallback" : "fallbacks"}`);
  if (meta.rules?.length) parts.push(`${meta.rules.length === 1 ? "rule" : "rules"}: ${meta.rules.join(", ")}`);
  const fix = meta.downgrade ? FIX[meta.downgrade.cause] : undefined;

  return (
    <div className="mt-2 space-y-2">
      {meta.downgrade && (
        <p
          className="rounded-md bg-amber-50 px-3 py-1.5 text-xs text-amber-900 ring-1 ring-amber-200"
          data-testid="reply-downgrade"
        >
          {meta.downgrade.message}
          {fix && (
            <>
              {" "}
              ·{" "}
              <Link href={fix.href} className="font-medium underline">
                {fix.label}
              </Link>
            </>
          )}
        </p>
      )}
      {meta.skipped && (
        <p
          className="rounded-md bg-slate-50 px-3 py-1.5 text-xs text-slate-700 ring-1 ring-slate-200"
          data-testid="reply-skipped-primary"
        >
          {meta.skipped}
        </p>
      )}
      {meta.failed && meta.failed.length > 0 && (
        <ul className="space-y-0.5 text-xs text-slate-600" data-testid="reply-failed-attempts">
          {meta.failed.map((f, i) => (
            <li key={i} className="break-words">
              {f}
            </li>
          ))}
        </ul>
      )}
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-500">
        <span data-testid="reply-meta" className="break-words">
          {parts.join(" · ")}
        </span>
        {meta.request_id && (
          <button
            type="button"
            onClick={() => setWhy((v) => !v)}
            aria-expanded={why}
            className="font-medium text-indigo-700 hover:underline"
          >
            {why ? "Hide why" : "Why this model?"}
          </button>
        )}
      </div>
      {why && meta.request_id && <RouteExplanation requestId={meta.request_id} />}
    </div>
  );
}
