import { Badge } from "@/components/ui/primitives";

/** A request's status as the finance drill-down shows it: success green, cancelled amber, error red. */
export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={status === "success" ? "green" : status === "cancelled" ? "amber" : "red"}>{status}</Badge>;
}
