import { formatUsd, usdToMicros } from "@/lib/money/units";
import type { ApiKeyView } from "./key-types";

/** The API's USD (at most 6 decimals) as integer micro-USD: all arithmetic below is in micros. */
const micros = (usd: number) => usdToMicros(usd.toFixed(6));

/** From this share of the limit the bar turns amber (the same point as the account budget's). */
const NEAR = 0.8;

/**
 * What a key spent this month (UTC) against its monthly limit, held-in-flight included: held
 * money counts against the limit until its requests settle.
 */
export function keySpend(k: Pick<ApiKeyView, "monthly_limit_usd" | "month_spend_usd" | "held_usd">) {
  const spent = micros(k.month_spend_usd);
  const held = micros(k.held_usd);
  const limit = k.monthly_limit_usd === null ? null : micros(k.monthly_limit_usd);
  if (limit === null) return { spent, held, limit, share: null, state: "none" as const };
  const used = spent + held;
  const share = limit === 0 ? 1 : used / limit;
  const state = share >= 1 ? ("reached" as const) : share >= NEAR ? ("near" as const) : ("ok" as const);
  return { spent, held, limit, share, state };
}

export function KeySpend({ keyView: k, name }: { keyView: ApiKeyView; name: string }) {
  const s = keySpend(k);
  const heldText =
    s.held > 0 ? (
      <span className="block text-xs text-slate-500">+ {formatUsd(s.held)} held by requests in flight</span>
    ) : null;
  if (s.limit === null || s.share === null) {
    return (
      <div className="text-sm">
        <span className="tabular-nums">{formatUsd(s.spent)}</span> this month{" "}
        <span className="text-slate-500">· no limit</span>
        {heldText}
      </div>
    );
  }
  const percent = Math.round(s.share * 100);
  const spentWidth = s.limit === 0 ? (s.spent > 0 ? 100 : 0) : Math.min(100, (s.spent / s.limit) * 100);
  const heldWidth = s.limit === 0 ? 0 : Math.min(100 - spentWidth, (s.held / s.limit) * 100);
  const bar = { ok: "bg-indigo-500", near: "bg-amber-500", reached: "bg-red-500" }[s.state];
  const held = { ok: "bg-indigo-300", near: "bg-amber-300", reached: "bg-red-300" }[s.state];
  return (
    <div className="min-w-36 space-y-1 text-sm">
      <div>
        <span className="tabular-nums">{formatUsd(s.spent)}</span> of{" "}
        <span className="tabular-nums">{formatUsd(s.limit)}</span> this month
        {s.state === "reached" && (
          <span className="block text-xs font-medium text-red-700">
            limit reached: requests that cost money are refused until it renews on the 1st (UTC)
          </span>
        )}
        {s.state === "near" && (
          <span className="block text-xs font-medium text-amber-800">near the limit ({percent}%)</span>
        )}
      </div>
      <div
        role="progressbar"
        aria-label={`Monthly limit used by ${name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.min(100, percent)}
        aria-valuetext={`${formatUsd(s.spent + s.held)} of ${formatUsd(s.limit)} (${percent}%)`}
        data-state={s.state}
        className="flex h-2 w-full max-w-48 overflow-hidden rounded-full bg-slate-100"
      >
        <div className={`h-full ${bar}`} style={{ width: `${spentWidth}%` }} />
        {heldWidth > 0 && <div className={`h-full ${held}`} style={{ width: `${heldWidth}%` }} />}
      </div>
      {heldText}
    </div>
  );
}
