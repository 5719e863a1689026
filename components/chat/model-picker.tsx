"use client";
import { Select } from "@/components/ui/primitives";
import { facets, isEmbeddingsModel, type AliasEntry, type ModelEntry } from "@/lib/catalog/model-table";

/** Routing aliases first, then every usable chat model (not embeddings ones) grouped by provider; simulated ones say so. */
export function ModelPicker({
  value,
  onChange,
  aliases,
  models,
}: {
  value: string;
  onChange: (id: string) => void;
  aliases: AliasEntry[];
  models: ModelEntry[];
}) {
  const byProvider = new Map<string, ModelEntry[]>();
  for (const m of models)
    if (!isEmbeddingsModel(m)) byProvider.set(m.owned_by, [...(byProvider.get(m.owned_by) ?? []), m]);
  const providerLabel = new Map(facets(models).providers.map((p) => [p.value, p.label]));
  const aliasList = aliases.length ? aliases : [{ id: "auto", switchyard: { about: "the router picks" } }];
  const aliasLabel = (id: string) =>
    id === "auto" ? "auto — router picks at your level" : `${id} — router picks ${id.toUpperCase()}`;
  return (
    <Select
      id="chat-model"
      aria-label="Model"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      className="w-full min-w-0 py-2 sm:w-72"
    >
      <optgroup label="Let the router pick">
        {aliasList.map((a) => (
          <option key={a.id} value={a.id} title={a.switchyard.about}>
            {aliasLabel(a.id)}
          </option>
        ))}
      </optgroup>
      {[...byProvider].map(([provider, list]) => (
        <optgroup key={provider} label={providerLabel.get(provider) ?? provider}>
          {list.map((m) => (
            <option key={m.id} value={m.id}>
              {m.switchyard.name} ({m.switchyard.power_level}){m.switchyard.simulated ? " — simulated" : ""}
            </option>
          ))}
        </optgroup>
      ))}
    </Select>
  );
}
