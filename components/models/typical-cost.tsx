import { formatUsdAmount } from "@/lib/money/units";

/**
 * "~$0.0004 / request", or why there is no figure. `compact` leaves " / request" to screen readers
 * on a phone, where a third of the width cannot hold an exact cost and the unit.
 */
export function TypicalCost({ usd, compact = false }: { usd: number | null | undefined; compact?: boolean }) {
  if (usd === undefined) return <span>…</span>;
  if (usd === null) return <span>no model available</span>;
  return (
    <span>
      ~{formatUsdAmount(usd)}
      <span className={compact ? "max-sm:sr-only" : undefined}> / request</span>
    </span>
  );
}
