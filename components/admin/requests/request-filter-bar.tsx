"use client";
import { useState, type FormEvent } from "react";
import { Button, Input, Select } from "@/components/ui/primitives";
import { REQUEST_STATUSES, type RequestFilterKey, type RequestFilters } from "@/lib/usage/admin-requests-query";
import { POWER_LEVELS } from "@/lib/router/types";
import { describeFilters, FILTER_LABEL } from "@/lib/usage/admin-requests-url";

const TEXT_FIELDS: { key: RequestFilterKey; placeholder: string; list?: string }[] = [
  { key: "user", placeholder: "email or user id" },
  { key: "key", placeholder: "key prefix (sk-sy-…) or id" },
  { key: "provider", placeholder: "provider slug", list: "request-filter-providers" },
  { key: "model", placeholder: "provider/model", list: "request-filter-models" },
];

const isDay = (v: string) => v === "" || /^\d{4}-\d{2}-\d{2}$/.test(v);

/**
 * The log's filters. Text fields apply with Enter or "Apply"; a level, status or date applies as
 * soon as it is picked. Suggestions come from the current catalog, but any value can be typed:
 * history keeps names of providers and models deleted since.
 */
export function RequestFilterBar({
  filters,
  providers,
  models,
  onApply,
}: {
  filters: RequestFilters;
  providers: string[];
  models: string[];
  onApply: (next: RequestFilters) => void;
}) {
  const [draft, setDraft] = useState<RequestFilters>(filters);
  const set = (key: RequestFilterKey, value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const clean = (f: RequestFilters): RequestFilters =>
    Object.fromEntries(
      Object.entries(f)
        .map(([k, v]) => [k, v?.trim()])
        .filter(([, v]) => v),
    ) as RequestFilters;
  const applyNow = (key: RequestFilterKey, value: string) => {
    const next = { ...draft, [key]: value };
    setDraft(next);
    onApply(clean(next));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(clean(draft));
  };
  const active = describeFilters(filters);

  return (
    <form onSubmit={submit} role="search" aria-label="Filter requests" className="space-y-3">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {TEXT_FIELDS.map((f) => (
          <div key={f.key}>
            <label htmlFor={`requests-filter-${f.key}`} className="block text-sm font-medium text-slate-700">
              {FILTER_LABEL[f.key]}
            </label>
            <Input
              id={`requests-filter-${f.key}`}
              value={draft[f.key] ?? ""}
              onChange={(e) => set(f.key, e.target.value)}
              placeholder={f.placeholder}
              list={f.list}
              maxLength={f.key === "model" ? 200 : f.key === "user" ? 254 : 100}
              autoComplete="off"
              className="mt-1"
            />
          </div>
        ))}
        <div>
          <label htmlFor="requests-filter-power_level" className="block text-sm font-medium text-slate-700">
            {FILTER_LABEL.power_level}
          </label>
          <Select
            id="requests-filter-power_level"
            value={draft.power_level ?? ""}
            onChange={(e) => applyNow("power_level", e.target.value)}
            className="mt-1 w-full py-2"
          >
            <option value="">Any level</option>
            {POWER_LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </Select>
        </div>
        <div>
          <label htmlFor="requests-filter-status" className="block text-sm font-medium text-slate-700">
            {FILTER_LABEL.status}
          </label>
          <Select
            id="requests-filter-status"
            value={draft.status ?? ""}
            onChange={(e) => applyNow("status", e.target.value)}
            className="mt-1 w-full py-2"
          >
            <option value="">Any status</option>
            {REQUEST_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </Select>
        </div>
        {(["from", "to"] as const).map((k) => (
          <div key={k}>
            <label htmlFor={`requests-filter-${k}`} className="block text-sm font-medium text-slate-700">
              {FILTER_LABEL[k]} (UTC{k === "to" ? ", inclusive" : ""})
            </label>
            {/* A shared link may carry an instant, which a date picker cannot show: then it is text. */}
            <Input
              id={`requests-filter-${k}`}
              type={isDay(draft[k] ?? "") ? "date" : "text"}
              value={draft[k] ?? ""}
              className="mt-1"
              onChange={(e) => (e.target.type === "date" ? applyNow(k, e.target.value) : set(k, e.target.value))}
            />
          </div>
        ))}
      </div>
      <datalist id="request-filter-providers">
        {providers.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <datalist id="request-filter-models">
        {models.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit">Apply filters</Button>
        <Button
          type="button"
          variant="secondary"
          disabled={!active}
          onClick={() => {
            setDraft({});
            onApply({});
          }}
        >
          Clear all
        </Button>
        {active && (
          <p className="text-sm text-slate-600" aria-live="polite">
            Showing requests with {active}.
          </p>
        )}
      </div>
    </form>
  );
}
