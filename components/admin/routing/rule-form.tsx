"use client";
import { useState, type FormEvent } from "react";
import { Alert, Button, Field, Input, Select } from "@/components/ui/primitives";
import type { ModelView, ProviderView } from "@/components/admin/providers/catalog-types";
import { CheckboxGroup } from "./checkbox-group";
import { bodyOf, type RuleDraft } from "./rule-draft";
import { POWER_LEVELS, ROLE_OPTIONS, TASK_TYPE_OPTIONS, type RuleBody } from "./rule-types";

const opts = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));

/** Structured rule editor: every condition and action is a control, nothing is typed as code. */
export function RuleForm({ initial, providers, models, pending, error, submitLabel, onSubmit }: {
  initial: RuleDraft;
  providers: ProviderView[];
  models: ModelView[];
  pending: boolean;
  error: Error | null;
  submitLabel: string;
  onSubmit: (body: RuleBody) => void;
}) {
  const [d, setD] = useState<RuleDraft>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) => setD((prev) => ({ ...prev, [key]: value }));

  // Stored slugs of providers that no longer exist stay selectable, so editing never drops them silently.
  const slugs = [...providers.map((p) => p.slug), ...[...d.exclude, ...d.prefer].filter((s) => !providers.some((p) => p.slug === s))];
  const providerOptions = [...new Set(slugs)].map((s) => ({ value: s, label: providers.find((p) => p.slug === s)?.name ?? `${s} (unknown)` }));
  const byProvider = new Map<string, ModelView[]>();
  for (const m of models) byProvider.set(m.provider, [...(byProvider.get(m.provider) ?? []), m]);
  const pinKnown = d.pinModel === "" || models.some((m) => m.model_id === d.pinModel);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = bodyOf(d);
    if ("problem" in result) {
      setProblem(result.problem);
      return;
    }
    setProblem(null);
    onSubmit(result.body);
  }

  return (
    <form onSubmit={submit} className="space-y-5" noValidate>
      <div className="grid gap-3 sm:grid-cols-[1fr_8rem]">
        <Field label="Rule name" htmlFor="rule-name">
          <Input id="rule-name" value={d.name} onChange={(e) => set("name", e.target.value)} required maxLength={100} />
        </Field>
        <Field label="Priority" htmlFor="rule-priority" hint="lower applies first">
          <Input id="rule-priority" type="number" step={1} min={-1_000_000} max={1_000_000} value={d.priority} onChange={(e) => set("priority", e.target.value)} required />
        </Field>
        <div className="sm:col-span-2">
          <Field label="Description (optional)" htmlFor="rule-description">
            <Input id="rule-description" value={d.description} onChange={(e) => set("description", e.target.value)} maxLength={1000} />
          </Field>
        </div>
        <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={d.active} onChange={(e) => set("active", e.target.checked)} /> Active</label>
      </div>

      <fieldset className="space-y-4 rounded-md p-3 ring-1 ring-sky-200">
        <legend className="px-1 text-sm font-semibold text-sky-900">When (all that are set must match; none set = every request)</legend>
        <CheckboxGroup legend="Task type" options={opts(TASK_TYPE_OPTIONS)} value={d.taskTypes} onChange={(v) => set("taskTypes", v)} hint="any of the checked" />
        <CheckboxGroup legend="Requested power level" options={opts(POWER_LEVELS)} value={d.powerLevels} onChange={(v) => set("powerLevels", v)} />
        <CheckboxGroup legend="Caller role" options={opts(ROLE_OPTIONS)} value={d.roles} onChange={(v) => set("roles", v)} />
        <div className="grid gap-3 sm:grid-cols-3">
          <Field label="Privacy" htmlFor="rule-privacy">
            <Select id="rule-privacy" value={d.privacy} onChange={(e) => set("privacy", e.target.value as RuleDraft["privacy"])} className="block w-full">
              <option value="any">Any request</option>
              <option value="required">Privacy required</option>
              <option value="not-required">Privacy not required</option>
            </Select>
          </Field>
          <Field label="Prompt more than (tokens)" htmlFor="rule-gt">
            <Input id="rule-gt" type="number" min={0} step={1} value={d.tokensGt} onChange={(e) => set("tokensGt", e.target.value)} placeholder="no minimum" />
          </Field>
          <Field label="Prompt fewer than (tokens)" htmlFor="rule-lt">
            <Input id="rule-lt" type="number" min={1} step={1} value={d.tokensLt} onChange={(e) => set("tokensLt", e.target.value)} placeholder="no maximum" />
          </Field>
        </div>
        {d.apiKeyIds.length > 0 && (
          <div className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
            Also limited to {d.apiKeyIds.length} API key{d.apiKeyIds.length === 1 ? "" : "s"}.
            <Button type="button" variant="ghost" onClick={() => set("apiKeyIds", [])}>Remove API key condition</Button>
          </div>
        )}
      </fieldset>

      <fieldset className="space-y-4 rounded-md p-3 ring-1 ring-violet-200">
        <legend className="px-1 text-sm font-semibold text-violet-900">Then (at least one)</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Pin model" htmlFor="rule-pin" hint="used when it passes every filter (key, privacy, region, credits)">
            <Select id="rule-pin" value={d.pinModel} onChange={(e) => set("pinModel", e.target.value)} className="block w-full">
              <option value="">No pin</option>
              {!pinKnown && <option value={d.pinModel}>{d.pinModel} (not in the catalog)</option>}
              {[...byProvider.entries()].map(([slug, ms]) => (
                <optgroup key={slug} label={providers.find((p) => p.slug === slug)?.name ?? slug}>
                  {ms.map((m) => <option key={m.id} value={m.model_id}>{m.model_id}{m.enabled ? "" : " (disabled)"}</option>)}
                </optgroup>
              ))}
            </Select>
          </Field>
          <Field label="Force power level" htmlFor="rule-force">
            <Select id="rule-force" value={d.forceLevel} onChange={(e) => set("forceLevel", e.target.value)} className="block w-full">
              <option value="">Keep the requested level</option>
              {POWER_LEVELS.map((l) => <option key={l} value={l}>{l}</option>)}
            </Select>
          </Field>
        </div>
        <CheckboxGroup legend="Prefer providers" options={providerOptions} value={d.prefer} onChange={(v) => set("prefer", v)} />
        <CheckboxGroup legend="Exclude providers" options={providerOptions} value={d.exclude} onChange={(v) => set("exclude", v)} />
      </fieldset>

      {(problem ?? error) && <Alert>{problem ?? error?.message}</Alert>}
      <Button type="submit" disabled={pending}>{pending ? "Saving…" : submitLabel}</Button>
    </form>
  );
}
