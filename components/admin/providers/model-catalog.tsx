"use client";
import { useMutation } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api } from "@/components/api-client";
import { Alert, Badge, Button, Card, Input, Select } from "@/components/ui/primitives";
import type { ModelView, ProviderView } from "./catalog-types";
import type { ModelBodyInput, ModelPatchInput } from "@/lib/catalog/schemas";
import { useInvalidateCatalog, usePatchModel } from "./catalog-queries";
import { COMPACT, ConfirmDelete } from "./confirm-delete";
import { formatMs, formatTokens } from "./format";
import { formatPrice } from "@/lib/catalog/model-table";
import { Modal } from "@/components/ui/modal";
import { ModelForm } from "./model-form";

type StatusFilter = "all" | "enabled" | "disabled";
const LEVEL_TONE = { ECO: "green", BALANCED: "indigo", PRECISION: "amber" } as const;
/** Below md the table becomes a stack of cards; each cell then shows its column name above it. */
const CELL =
  "max-md:text-left max-md:before:block max-md:before:text-[10px] max-md:before:font-medium max-md:before:uppercase max-md:before:text-slate-400 max-md:before:content-[attr(data-label)]";

/** Every catalog model, disabled ones too, grouped by provider, with inline enable/disable. */
export function ModelCatalog({ models, providers }: { models: ModelView[]; providers: ProviderView[] }) {
  const [providerFilter, setProviderFilter] = useState("all");
  const [status, setStatus] = useState<StatusFilter>("all");
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<ModelView | null>(null);
  const [adding, setAdding] = useState(false);
  const invalidate = useInvalidateCatalog();
  const patch = usePatchModel();
  const create = useMutation({
    mutationFn: (body: ModelBodyInput) => api<ModelView>("/api/admin/models", { body }),
    onSuccess: invalidate,
  });
  const edit = useMutation({
    mutationFn: ({ id, ...body }: ModelPatchInput & { id: string }) =>
      api<ModelView>(`/api/admin/models/${id}`, { method: "PATCH", body }),
    onSuccess: invalidate,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/admin/models/${id}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });

  const groups = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const shown = models.filter(
      (m) =>
        (providerFilter === "all" || m.provider === providerFilter) &&
        (status === "all" || (status === "enabled") === m.enabled) &&
        (!needle || m.name.toLowerCase().includes(needle) || m.model_id.toLowerCase().includes(needle)),
    );
    const order = new Map(providers.map((p, i) => [p.slug, i]));
    const bySlug = new Map<string, ModelView[]>();
    for (const m of shown) bySlug.set(m.provider, [...(bySlug.get(m.provider) ?? []), m]);
    return [...bySlug.entries()].sort(
      ([a], [b]) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || a.localeCompare(b),
    );
  }, [models, providers, providerFilter, status, search]);

  const providerName = (slug: string) => providers.find((p) => p.slug === slug)?.name ?? slug;
  const countFor = (slug: string) => models.filter((m) => m.provider === slug).length;
  const shownCount = groups.reduce((n, [, ms]) => n + ms.length, 0);
  const error = patch.error ?? remove.error;

  return (
    <Card
      title={`Model catalog (${models.length})`}
      actions={
        <Button
          onClick={() => {
            create.reset();
            setAdding(true);
          }}
        >
          Add model
        </Button>
      }
    >
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <Select
          aria-label="Filter by provider"
          value={providerFilter}
          onChange={(e) => setProviderFilter(e.target.value)}
          className="max-w-full sm:max-w-80"
        >
          <option value="all">All providers</option>
          {providers.map((p) => (
            <option key={p.id} value={p.slug}>
              {p.name} · {p.slug} ({countFor(p.slug)})
            </option>
          ))}
        </Select>
        <Select
          aria-label="Filter by status"
          value={status}
          onChange={(e) => setStatus(e.target.value as StatusFilter)}
        >
          <option value="all">Enabled and disabled</option>
          <option value="enabled">Enabled only</option>
          <option value="disabled">Disabled only</option>
        </Select>
        <Input
          type="search"
          aria-label="Search models"
          placeholder="Search name or id"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          className="sm:w-56"
        />
        <span className="text-xs text-slate-500">{shownCount} shown</span>
      </div>
      {error && (
        <div className="mb-3">
          <Alert>{error.message}</Alert>
        </div>
      )}
      {groups.length === 0 ? (
        <p className="text-sm text-slate-500">No model matches these filters.</p>
      ) : (
        <div className="md:relative md:-mx-4 md:overflow-x-auto md:px-4">
          <table className="w-full text-left text-sm max-md:block md:min-w-[66rem]">
            <thead className="text-xs whitespace-nowrap text-slate-500 uppercase max-md:hidden">
              <tr>
                <th className="py-2 pr-3">Model</th>
                <th className="pr-3">Level</th>
                <th className="pr-3 text-right">Input / 1M</th>
                <th className="pr-3 text-right">Output / 1M</th>
                <th className="pr-3 text-right">Cache read / 1M</th>
                <th className="pr-3 text-right">Cache write / 1M</th>
                <th className="pr-3 text-right">Latency</th>
                <th className="pr-3 text-right">Quality</th>
                <th className="pr-3 text-right">Context</th>
                <th className="pr-3">Status</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            {groups.map(([slug, ms]) => (
              <tbody key={slug} className="divide-y divide-slate-100 max-md:block">
                <tr className="bg-slate-50 max-md:block">
                  <th
                    scope="rowgroup"
                    colSpan={11}
                    className="px-2 py-1.5 text-xs font-semibold wrap-anywhere text-slate-600 max-md:block"
                  >
                    {providerName(slug)} <span className="font-mono font-normal text-slate-400">{slug}</span>
                  </th>
                </tr>
                {ms.map((m) => (
                  <tr
                    key={m.id}
                    aria-label={m.model_id}
                    className={`max-md:grid max-md:grid-cols-3 max-md:gap-x-3 max-md:gap-y-2 max-md:py-3 ${m.enabled ? "" : "bg-slate-50/60 text-slate-500"}`}
                  >
                    <td className="py-2 pr-3 max-md:col-span-3 max-md:py-0 md:max-w-80">
                      <div className="font-medium wrap-anywhere">{m.name}</div>
                      <div className="font-mono text-xs break-all text-slate-500">{m.model_id}</div>
                      {m.capabilities.length > 0 && (
                        <div className="text-xs text-slate-400">{m.capabilities.join(" · ")}</div>
                      )}
                    </td>
                    <td data-label="Level" className={`pr-3 ${CELL}`}>
                      <Badge tone={LEVEL_TONE[m.power_level]}>{m.power_level}</Badge>
                    </td>
                    <td data-label="Input / 1M" className={`pr-3 text-right tabular-nums ${CELL}`}>
                      {formatPrice(m.input_per_1m)}
                    </td>
                    <td data-label="Output / 1M" className={`pr-3 text-right tabular-nums ${CELL}`}>
                      {formatPrice(m.output_per_1m)}
                    </td>
                    <td data-label="Cache read / 1M" className={`pr-3 text-right tabular-nums ${CELL}`}>
                      <CachePrice usd={m.cache_read_per_1m} />
                    </td>
                    <td data-label="Cache write / 1M" className={`pr-3 text-right tabular-nums ${CELL}`}>
                      <CachePrice usd={m.cache_write_per_1m} />
                    </td>
                    <td data-label="Latency" className={`pr-3 text-right tabular-nums ${CELL}`}>
                      {formatMs(m.latency_ms)}
                    </td>
                    <td data-label="Quality" className={`pr-3 text-right tabular-nums ${CELL}`}>
                      {m.quality.toFixed(1)}
                    </td>
                    <td data-label="Context" className={`pr-3 text-right tabular-nums ${CELL}`}>
                      {formatTokens(m.context_tokens)}
                    </td>
                    <td data-label="Status" className={`pr-3 ${CELL}`}>
                      {m.enabled ? <Badge tone="green">enabled</Badge> : <Badge tone="red">disabled</Badge>}
                    </td>
                    <td className="py-2 max-md:col-span-3 max-md:py-0">
                      <div className="flex items-center gap-2 max-md:flex-wrap md:justify-end">
                        <button
                          type="button"
                          className={`${COMPACT} text-slate-800 ring-slate-300 hover:bg-slate-50`}
                          aria-label={`${m.enabled ? "Disable" : "Enable"} ${m.model_id}`}
                          disabled={patch.isPending && patch.variables?.id === m.id}
                          onClick={() => patch.mutate({ id: m.id, enabled: !m.enabled })}
                        >
                          {m.enabled ? "Disable" : "Enable"}
                        </button>
                        <button
                          type="button"
                          className={`${COMPACT} text-slate-800 ring-slate-300 hover:bg-slate-50`}
                          aria-label={`Edit ${m.model_id}`}
                          onClick={() => {
                            edit.reset();
                            setEditing(m);
                          }}
                        >
                          Edit
                        </button>
                        <ConfirmDelete
                          compact
                          ariaLabel={`Delete ${m.model_id}`}
                          question={`Delete ${m.model_id}?`}
                          pending={remove.isPending}
                          onConfirm={() => remove.mutate(m.id)}
                        />
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}

      {adding && (
        <Modal title="Add model" onClose={() => setAdding(false)}>
          <ModelForm
            providers={providers}
            defaultProvider={providerFilter === "all" ? undefined : providerFilter}
            pending={create.isPending}
            error={create.error}
            submitLabel="Create model"
            onSubmit={(body) => create.mutate(body, { onSuccess: () => setAdding(false) })}
          />
        </Modal>
      )}
      {editing && (
        <Modal title={`Edit ${editing.name}`} onClose={() => setEditing(null)}>
          <ModelForm
            model={editing}
            providers={providers}
            pending={edit.isPending}
            error={edit.error}
            submitLabel="Save model"
            onSubmit={({ provider: _p, upstream_id: _u, ...body }) =>
              edit.mutate({ id: editing.id, ...body }, { onSuccess: () => setEditing(null) })
            }
          />
        </Modal>
      )}
    </Card>
  );
}

/** A cache price, or (none set) a note that cached tokens cost the input price. */
function CachePrice({ usd }: { usd: number | null }) {
  return usd === null ? (
    <span className="text-slate-400" title="No cache price: cached tokens are billed at the input price">
      = input
    </span>
  ) : (
    <>{formatPrice(usd)}</>
  );
}
