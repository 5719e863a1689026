"use client";
import { useState, type FormEvent } from "react";
import { Button, Field, Input, Select } from "@/components/ui/primitives";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import { routingRuleBodySchema, type RoutingRuleBodyInput } from "@/lib/router/rules";
import { POWER_LEVELS, ROLES, TASK_TYPES } from "@/lib/router/types";
import type { ModelView, ProviderView } from "@/components/admin/providers/catalog-types";
import { CheckboxGroup } from "./checkbox-group";
import { bodyOf, type RuleDraft } from "./rule-draft";

const opts = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));

/** Params with a control of their own; the rest (checkbox groups, the actions as a whole) go in the summary. */
const FIELD_IDS: Record<string, string> = {
  name: "rule-name",
  priority: "rule-priority",
  description: "rule-description",
  "conditions.privacy_required": "rule-privacy",
  "conditions.prompt_tokens.gt": "rule-gt",
  "conditions.prompt_tokens.lt": "rule-lt",
  "actions.pin_model": "rule-pin",
  "actions.force_power_level": "rule-force",
};

/** Structured rule editor: every condition and action is a control, nothing is typed as code. */
export function RuleForm({
  initial,
  providers,
  models,
  pending,
  error,
  submitLabel,
  onSubmit,
}: {
  initial: RuleDraft;
  providers: ProviderView[];
  models: ModelView[];
  pending: boolean;
  error: Error | null;
  submitLabel: string;
  onSubmit: (body: RoutingRuleBodyInput) => void;
}) {
  const [d, setD] = useState<RuleDraft>(initial);
  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const errors = formErrors(invalid ?? error, Object.keys(FIELD_IDS));
  const field = (param: string) => ({ error: errors.of(param), aria: errors.aria(param, FIELD_IDS[param]!) });
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) => setD((prev) => ({ ...prev, [key]: value }));

  // Stored slugs of providers that no longer exist stay selectable, so editing never drops them silently.
  const slugs = [
    ...providers.map((p) => p.slug),
    ...[...d.exclude, ...d.prefer].filter((s) => !providers.some((p) => p.slug === s)),
  ];
  // The slug goes with every name: providers can share a name, and a long one is cut short.
  const providerOptions = [...new Set(slugs)].map((s) => ({
    value: s,
    label: providers.find((p) => p.slug === s)?.name ?? "unknown provider",
    detail: s,
  }));
  const byProvider = new Map<string, ModelView[]>();
  for (const m of models) byProvider.set(m.provider, [...(byProvider.get(m.provider) ?? []), m]);
  const pinKnown = d.pinModel === "" || models.some((m) => m.model_id === d.pinModel);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = bodyOf(d);
    const check = validateFields(routingRuleBodySchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (check.ok) onSubmit(body);
  }

  return (
    <form onSubmit={submit} className="space-y-5" noValidate>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-[minmax(0,1fr)_8rem]">
        <Field label="Rule name" htmlFor="rule-name" error={field("name").error}>
          <Input
            id="rule-name"
            value={d.name}
            onChange={(e) => set("name", e.target.value)}
            required
            maxLength={100}
            {...field("name").aria}
          />
        </Field>
        <Field label="Priority" htmlFor="rule-priority" hint="lower applies first" error={field("priority").error}>
          <Input
            id="rule-priority"
            type="number"
            step={1}
            min={-1_000_000}
            max={1_000_000}
            value={d.priority}
            onChange={(e) => set("priority", e.target.value)}
            required
            {...field("priority").aria}
          />
        </Field>
        <div className="sm:col-span-2">
          <Field label="Description (optional)" htmlFor="rule-description" error={field("description").error}>
            <Input
              id="rule-description"
              value={d.description}
              onChange={(e) => set("description", e.target.value)}
              maxLength={1000}
              {...field("description").aria}
            />
          </Field>
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={d.active} onChange={(e) => set("active", e.target.checked)} /> Active
        </label>
      </div>

      <fieldset className="min-w-0 space-y-4 rounded-md p-3 ring-1 ring-sky-200">
        <legend className="px-1 text-sm font-semibold text-sky-900">
          When (all that are set must match; none set = every request)
        </legend>
        <CheckboxGroup
          legend="Task type"
          options={opts(TASK_TYPES)}
          value={d.taskTypes}
          onChange={(v) => set("taskTypes", v)}
          hint="any of the checked"
        />
        <CheckboxGroup
          legend="Requested power level"
          options={opts(POWER_LEVELS)}
          value={d.powerLevels}
          onChange={(v) => set("powerLevels", v)}
        />
        <CheckboxGroup legend="Caller role" options={opts(ROLES)} value={d.roles} onChange={(v) => set("roles", v)} />
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
          <Field label="Privacy" htmlFor="rule-privacy" error={field("conditions.privacy_required").error}>
            <Select
              id="rule-privacy"
              {...field("conditions.privacy_required").aria}
              value={d.privacy}
              onChange={(e) => set("privacy", e.target.value as RuleDraft["privacy"])}
              className="block w-full"
            >
              <option value="any">Any request</option>
              <option value="required">Privacy required</option>
              <option value="not-required">Privacy not required</option>
            </Select>
          </Field>
          <Field label="Prompt more than (tokens)" htmlFor="rule-gt" error={field("conditions.prompt_tokens.gt").error}>
            <Input
              id="rule-gt"
              type="number"
              min={0}
              step={1}
              value={d.tokensGt}
              onChange={(e) => set("tokensGt", e.target.value)}
              placeholder="no minimum"
              {...field("conditions.prompt_tokens.gt").aria}
            />
          </Field>
          <Field
            label="Prompt fewer than (tokens)"
            htmlFor="rule-lt"
            error={field("conditions.prompt_tokens.lt").error}
          >
            <Input
              id="rule-lt"
              type="number"
              min={1}
              step={1}
              value={d.tokensLt}
              onChange={(e) => set("tokensLt", e.target.value)}
              placeholder="no maximum"
              {...field("conditions.prompt_tokens.lt").aria}
            />
          </Field>
        </div>
        {d.apiKeyIds.length > 0 && (
          <div className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
            Also limited to {d.apiKeyIds.length} API key{d.apiKeyIds.length === 1 ? "" : "s"}.
            <Button type="button" variant="ghost" onClick={() => set("apiKeyIds", [])}>
              Remove API key condition
            </Button>
          </div>
        )}
      </fieldset>

      <fieldset className="min-w-0 space-y-4 rounded-md p-3 ring-1 ring-violet-200">
        <legend className="px-1 text-sm font-semibold text-violet-900">Then (at least one)</legend>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          <Field
            label="Pin model"
            htmlFor="rule-pin"
            hint="used when it passes every filter (key, privacy, region, credits)"
            error={field("actions.pin_model").error}
          >
            <Select
              id="rule-pin"
              {...field("actions.pin_model").aria}
              value={d.pinModel}
              onChange={(e) => set("pinModel", e.target.value)}
              className="block w-full"
            >
              <option value="">No pin</option>
              {!pinKnown && <option value={d.pinModel}>{d.pinModel} (not in the catalog)</option>}
              {[...byProvider.entries()].map(([slug, ms]) => (
                <optgroup
                  key={slug}
                  label={`${providers.find((p) => p.slug === slug)?.name ?? "unknown provider"} (${slug})`}
                >
                  {ms.map((m) => (
                    <option key={m.id} value={m.model_id}>
                      {m.model_id}
                      {m.enabled ? "" : " (disabled)"}
                    </option>
                  ))}
                </optgroup>
              ))}
            </Select>
          </Field>
          <Field label="Force power level" htmlFor="rule-force" error={field("actions.force_power_level").error}>
            <Select
              id="rule-force"
              {...field("actions.force_power_level").aria}
              value={d.forceLevel}
              onChange={(e) => set("forceLevel", e.target.value)}
              className="block w-full"
            >
              <option value="">Keep the requested level</option>
              {POWER_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <CheckboxGroup
          legend="Prefer providers"
          options={providerOptions}
          value={d.prefer}
          onChange={(v) => set("prefer", v)}
        />
        <CheckboxGroup
          legend="Exclude providers"
          options={providerOptions}
          value={d.exclude}
          onChange={(v) => set("exclude", v)}
        />
      </fieldset>

      <FormErrorSummary errors={errors} />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : submitLabel}
      </Button>
    </form>
  );
}
