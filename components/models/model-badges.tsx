import { Badge } from "@/components/ui/primitives";
import type { ModelInfo } from "@/lib/catalog/model-table";

export function ModelBadges({ model }: { model: ModelInfo }) {
  return (
    <span className="inline-flex flex-wrap gap-1">
      {model.simulated && <Badge tone="amber">simulated</Badge>}
      {model.is_local && <Badge tone="green">local</Badge>}
      {model.byok && <Badge tone="indigo">your key</Badge>}
    </span>
  );
}

export function LevelBadge({ level }: { level: ModelInfo["power_level"] }) {
  const tone = level === "ECO" ? "green" : level === "BALANCED" ? "indigo" : "amber";
  return <Badge tone={tone}>{level}</Badge>;
}
