import { Badge } from "@/components/ui/primitives";
import { formatUsdAmount } from "@/lib/money/units";
import type { ReceiptCandidate, RoutingReceipt } from "@/lib/gateway/receipt";
import { skippedPrimaryText } from "@/lib/gateway/receipt-text";

const OUTCOME_TONE: Record<ReceiptCandidate["outcome"], "green" | "red" | "slate" | "amber"> = {
  served: "green",
  failed: "red",
  cancelled: "amber",
  "not tried": "slate",
};

/**
 * A routing receipt as recorded with its request: the decision as it was made then. Shown to the
 * user under a chat reply ("Why this model?") and to admins in the request log; `subject` and
 * `byokLabel` (whose key a BYOK candidate used) speak in the reader's terms.
 */
export function ReceiptDetails({
  receipt: r,
  subject = "this reply",
  byokLabel = "your key",
  testId,
}: {
  receipt: RoutingReceipt;
  subject?: string;
  byokLabel?: string;
  testId?: string;
}) {
  return (
    <div
      className="space-y-3 rounded-md bg-slate-50 p-3 text-xs text-slate-700 ring-1 ring-slate-200"
      data-testid={testId}
    >
      <p className="text-slate-500">
        Recorded when {subject} was routed (catalog version {r.catalog_version}).
      </p>
      {r.downgrade && <p className="font-medium text-amber-800">{r.downgrade.message}</p>}
      {r.skipped_primary && <p className="font-medium text-slate-800">{skippedPrimaryText(r.skipped_primary)}</p>}
      <p className="text-sm break-words text-slate-800">{r.reason}</p>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-4">
        <Fact label="Task" value={`${r.task_type}${r.task_type_inferred ? " (inferred)" : ""}`} />
        <Fact
          label="Power level"
          value={
            r.pinned
              ? `${r.served_power_level} (model pinned)`
              : r.requested_power_level === r.served_power_level
                ? r.served_power_level
                : `${r.requested_power_level} → ${r.served_power_level}`
          }
        />
        <Fact
          label="Max tokens"
          value={r.max_tokens_capped !== null ? `${r.max_tokens} (capped by credits)` : String(r.max_tokens)}
        />
        <Fact label="Prompt (est.)" value={`${r.estimated_prompt_tokens} tokens`} />
        <Fact label="Held" value={formatUsdAmount(r.held_usd)} />
        <Fact label="Charged" value={formatUsdAmount(r.settled_usd)} />
        {r.precision_usd !== null && <Fact label="At PRECISION" value={formatUsdAmount(r.precision_usd)} />}
      </dl>
      {r.rules.length > 0 && <p>Routing rules applied: {r.rules.map((x) => `"${x.name}"`).join(", ")}</p>}

      <ol className="space-y-1.5">
        {r.candidates.map((c, i) => (
          <li key={`${c.model}-${i}`} className="rounded bg-white p-2 ring-1 ring-slate-200">
            <div className="flex flex-wrap items-center gap-1.5">
              <Badge tone={i === 0 ? "indigo" : "slate"}>{i === 0 ? "primary" : `fallback ${i}`}</Badge>
              <span className="font-mono break-all">{c.model}</span>
              <span className="text-slate-500">{c.power_level}</span>
              {c.byok && <Badge tone="green">{byokLabel}</Badge>}
              <Badge tone={OUTCOME_TONE[c.outcome]}>{c.outcome}</Badge>
              <span className="ml-auto tabular-nums">est. {formatUsdAmount(c.estimated_cost_usd)}</span>
            </div>
            {c.outcome === "failed" && (
              <p className="mt-1 break-words text-red-800">
                {c.status === 0 ? "unreachable" : `HTTP ${c.status}`}
                {c.error ? `: ${c.error}` : ""}
              </p>
            )}
          </li>
        ))}
      </ol>

      {r.excluded_total > 0 && (
        <details>
          <summary className="cursor-pointer text-slate-600">{r.excluded_total} models excluded</summary>
          <ul className="mt-1 max-h-48 space-y-0.5 overflow-y-auto">
            {r.excluded.map((e, i) => (
              <li key={`${e.model}-${i}`} className="break-words">
                <span className="font-mono">{e.model}</span>: {e.reason}
              </li>
            ))}
            {r.excluded_total > r.excluded.length && (
              <li className="text-slate-500">and {r.excluded_total - r.excluded.length} more</li>
            )}
          </ul>
        </details>
      )}
    </div>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd className="font-medium text-slate-800">{value}</dd>
    </div>
  );
}
