import { formatCost } from "@/lib/catalog/model-table";

/** "~$0.0004 / request", or why there is no figure. */
export function TypicalCost({ usd }: { usd: number | null | undefined }) {
  if (usd === undefined) return <span>…</span>;
  if (usd === null) return <span>no model available</span>;
  return <span>~{formatCost(usd)} / request</span>;
}
