"use client";
import { useMemo, useState } from "react";
import { Alert, Card, Field, Input, Select } from "@/components/ui/primitives";
import { formatUsdAmount } from "@/lib/money/units";
import {
  facets,
  filterModels,
  formatPrice,
  requestCost,
  sortModels,
  type Level,
  type ModelEntry,
  type SortDir,
  type SortKey,
} from "@/lib/catalog/model-table";
import { POWER_LEVELS } from "@/lib/router/types";
import { LockedModelsNote } from "./locked-models-note";
import { LevelBadge, ModelBadges } from "./model-badges";
import { useModels } from "./models-query";
import { TypicalCost } from "./typical-cost";
import { ProviderStateDot } from "./provider-state-dot";

const SORTS: { value: string; label: string; key: SortKey; dir: SortDir }[] = [
  { value: "price-asc", label: "Price: lowest first", key: "price", dir: "asc" },
  { value: "price-desc", label: "Price: highest first", key: "price", dir: "desc" },
  { value: "latency-asc", label: "Latency: fastest first", key: "latency", dir: "asc" },
  { value: "quality-desc", label: "Quality: best first", key: "quality", dir: "desc" },
  { value: "name-asc", label: "Name", key: "name", dir: "asc" },
];

const countLabel = (n: number) => `${n} ${n === 1 ? "model" : "models"}`;
const tokens = (text: string) => Math.max(0, Math.floor(Number(text) || 0));

export function ModelsCatalog() {
  const models = useModels();
  const [level, setLevel] = useState<Level | "">("");
  const [provider, setProvider] = useState("");
  const [capability, setCapability] = useState("");
  const [sort, setSort] = useState(SORTS[0]!.value);
  const [tokensIn, setTokensIn] = useState("1000");
  const [tokensOut, setTokensOut] = useState("500");

  const all = models.data?.models;
  const options = useMemo(() => facets(all ?? []), [all]);
  const rows = useMemo(() => {
    const s = SORTS.find((x) => x.value === sort) ?? SORTS[0]!;
    return sortModels(filterModels(all ?? [], { powerLevel: level, provider, capability }), s.key, s.dir);
  }, [all, level, provider, capability, sort]);

  if (models.isPending) return <p className="text-sm text-slate-500">Loading models…</p>;
  if (models.error) return <Alert>{models.error.message}</Alert>;
  const { typical } = models.data;
  const tin = tokens(tokensIn);
  const tout = tokens(tokensOut);

  return (
    <div className="space-y-6">
      <div className="grid gap-3 sm:grid-cols-3">
        {POWER_LEVELS.map((l) => (
          <div key={l} className="rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200">
            <div className="flex items-center justify-between">
              <LevelBadge level={l} />
              <span className="text-xs text-slate-500">
                {countLabel(all?.filter((m) => m.switchyard.power_level === l).length ?? 0)}
              </span>
            </div>
            <p className="mt-1 text-sm font-medium text-slate-800">
              <TypicalCost usd={typical[l]} />
            </p>
            <p className="text-xs text-slate-500">median over your models, 500 tokens in + 500 out</p>
          </div>
        ))}
      </div>

      <LockedModelsNote />

      <Card title="Filter, sort and price">
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6">
          <Field label="Power level" htmlFor="f-level">
            <Select
              id="f-level"
              className="w-full"
              value={level}
              onChange={(e) => setLevel(e.target.value as Level | "")}
            >
              <option value="">All levels</option>
              {POWER_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Provider" htmlFor="f-provider">
            <Select id="f-provider" className="w-full" value={provider} onChange={(e) => setProvider(e.target.value)}>
              <option value="">All providers</option>
              {options.providers.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Capability" htmlFor="f-capability">
            <Select
              id="f-capability"
              className="w-full"
              value={capability}
              onChange={(e) => setCapability(e.target.value)}
            >
              <option value="">Any capability</option>
              {options.capabilities.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Sort by" htmlFor="f-sort">
            <Select id="f-sort" className="w-full" value={sort} onChange={(e) => setSort(e.target.value)}>
              {SORTS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Tokens in" htmlFor="calc-in">
            <Input
              id="calc-in"
              type="number"
              min={0}
              step={100}
              inputMode="numeric"
              value={tokensIn}
              onChange={(e) => setTokensIn(e.target.value)}
            />
          </Field>
          <Field label="Tokens out" htmlFor="calc-out">
            <Input
              id="calc-out"
              type="number"
              min={0}
              step={100}
              inputMode="numeric"
              value={tokensOut}
              onChange={(e) => setTokensOut(e.target.value)}
            />
          </Field>
        </div>
        <p className="mt-3 text-xs text-slate-500">
          Showing {rows.length} of {all?.length ?? 0} models. “Cost” is one request of {tin.toLocaleString()} tokens in
          and {tout.toLocaleString()} out at list price; requests to models on your own key cost no credits.
        </p>
      </Card>

      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">No model matches these filters.</p>
      ) : (
        <>
          <ModelsTable rows={rows} tin={tin} tout={tout} />
          <ModelCards rows={rows} tin={tin} tout={tout} />
        </>
      )}
    </div>
  );
}

function Capabilities({ list }: { list: string[] }) {
  return <span className="text-xs text-slate-600">{list.join(", ")}</span>;
}

function ModelsTable({ rows, tin, tout }: { rows: ModelEntry[]; tin: number; tout: number }) {
  return (
    <div className="hidden overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200 md:block">
      <table className="w-full text-left text-sm" aria-label="Models">
        <thead className="bg-slate-50 text-xs text-slate-500 uppercase">
          <tr>
            <th className="px-3 py-2">Model</th>
            <th className="px-3 py-2">Level</th>
            <th className="px-3 py-2 text-right">In / 1M</th>
            <th className="px-3 py-2 text-right">Out / 1M</th>
            <th className="px-3 py-2 text-right">Latency</th>
            <th className="px-3 py-2 text-right">Quality</th>
            <th className="px-3 py-2 text-right">Context</th>
            <th className="px-3 py-2">Capabilities</th>
            <th className="px-3 py-2 text-right">Cost</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map(({ id, switchyard: m }) => (
            <tr key={id} className="align-top">
              <td className="px-3 py-2">
                <div className="flex flex-wrap items-center gap-1.5">
                  <span className="font-medium text-slate-900">{m.name}</span>
                  <ModelBadges model={m} />
                </div>
                <div className="font-mono text-xs text-slate-500">{id}</div>
                <div className="flex items-center text-xs text-slate-500">
                  <ProviderStateDot state={m.provider_state} />
                  {m.provider_name}
                </div>
              </td>
              <td className="px-3 py-2">
                <LevelBadge level={m.power_level} />
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{formatPrice(m.input_per_1m)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{formatPrice(m.output_per_1m)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{m.latency_ms} ms</td>
              <td className="px-3 py-2 text-right tabular-nums">{m.quality.toFixed(1)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{m.context_tokens.toLocaleString()}</td>
              <td className="max-w-48 px-3 py-2">
                <Capabilities list={m.capabilities} />
              </td>
              <td className="px-3 py-2 text-right font-medium tabular-nums">
                {formatUsdAmount(requestCost(m, tin, tout))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ModelCards({ rows, tin, tout }: { rows: ModelEntry[]; tin: number; tout: number }) {
  return (
    <ul className="space-y-3 md:hidden" aria-label="Models">
      {rows.map(({ id, switchyard: m }) => (
        <li key={id} className="rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-200">
          <div className="flex items-start justify-between gap-2">
            <div className="min-w-0">
              <div className="font-medium wrap-anywhere text-slate-900">{m.name}</div>
              <div className="font-mono text-xs break-all text-slate-500">{id}</div>
              <div className="flex items-center text-xs wrap-anywhere text-slate-500">
                <ProviderStateDot state={m.provider_state} />
                {m.provider_name}
              </div>
            </div>
            <LevelBadge level={m.power_level} />
          </div>
          <div className="mt-1">
            <ModelBadges model={m} />
          </div>
          <dl className="mt-2 grid grid-cols-3 gap-x-3 gap-y-1 text-xs">
            <Stat label="In / 1M" value={formatPrice(m.input_per_1m)} />
            <Stat label="Out / 1M" value={formatPrice(m.output_per_1m)} />
            <Stat label="Cost" value={formatUsdAmount(requestCost(m, tin, tout))} />
            <Stat label="Latency" value={`${m.latency_ms} ms`} />
            <Stat label="Quality" value={m.quality.toFixed(1)} />
            <Stat label="Context" value={m.context_tokens.toLocaleString()} />
          </dl>
          <div className="mt-2">
            <Capabilities list={m.capabilities} />
          </div>
        </li>
      ))}
    </ul>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd className="font-medium text-slate-800 tabular-nums">{value}</dd>
    </div>
  );
}
