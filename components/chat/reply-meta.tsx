"use client";
import { useState } from "react";
import { formatCost } from "@/lib/catalog/model-table";
import { RouteExplanation } from "./route-explanation";
import type { ChatBody, ReplyMeta } from "./types";

const ms = (n: number | undefined) => (n === undefined ? "—" : n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

/** The line under a reply: who served it, tokens, cost, timing, fallbacks, and the router's why. */
export function ReplyMetaLine({ meta, request }: { meta: ReplyMeta; request: ChatBody | null }) {
  const [why, setWhy] = useState(false);
  const hasUsage = meta.cost_usd !== undefined;
  const parts: string[] = [];
  if (meta.error && !meta.provider) parts.push("not served");
  if (meta.provider) parts.push(meta.provider);
  if (meta.model) parts.push(meta.model);
  if (hasUsage) {
    parts.push(`${meta.prompt_tokens ?? 0} in / ${meta.completion_tokens ?? 0} out tokens`);
    parts.push(`cost ${formatCost(meta.cost_usd!)}`);
  } else if (meta.stopped) {
    parts.push("stopped: tokens and cost are still accounted, but not reported back");
  }
  if (meta.latency_ms !== undefined) parts.push(`${ms(meta.latency_ms)} total${meta.ttft_ms !== undefined ? `, first token ${ms(meta.ttft_ms)}` : ""}`);
  if (meta.fallbacks !== undefined) parts.push(`${meta.fallbacks} ${meta.fallbacks === 1 ? "fallback" : "fallbacks"}`);

  return (
    <div className="mt-2 space-y-2">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-500">
        <span data-testid="reply-meta">{parts.join(" · ")}</span>
        {request && (
          <button type="button" onClick={() => setWhy((v) => !v)} aria-expanded={why} className="font-medium text-indigo-700 hover:underline">
            {why ? "Hide why" : "Why this model?"}
          </button>
        )}
      </div>
      {why && request && <RouteExplanation body={request} />}
    </div>
  );
}
