"use client";
import type { FormEvent } from "react";
import { Alert, Button, Field, Input, Select } from "@/components/ui/primitives";
import { POWER_LEVEL_OPTIONS, type ModelView, type ProviderView } from "./catalog-types";
import type { ModelBody } from "./catalog-queries";
import { splitList } from "./format";

/**
 * Adds a model (no `model`) or edits one. Provider and upstream id make the public model id that
 * rules and clients use, so they are fixed once the model exists.
 */
export function ModelForm({ model, providers, defaultProvider, pending, error, submitLabel, onSubmit }: {
  model?: ModelView;
  providers: ProviderView[];
  defaultProvider?: string;
  pending: boolean;
  error: Error | null;
  submitLabel: string;
  onSubmit: (body: ModelBody) => void;
}) {
  const p = model ? `edit-${model.id}` : "new-model";

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    onSubmit({
      provider: model ? model.provider : String(form.get("provider")),
      upstream_id: model ? model.upstream_id : String(form.get("upstream_id")).trim(),
      name: String(form.get("name")).trim(),
      power_level: String(form.get("power_level")),
      input_per_1m: Number(form.get("input_per_1m")),
      output_per_1m: Number(form.get("output_per_1m")),
      latency_ms: Number(form.get("latency_ms")),
      quality: Number(form.get("quality")),
      context_tokens: Number(form.get("context_tokens")),
      capabilities: splitList(String(form.get("capabilities") ?? "").toLowerCase()),
      enabled: form.get("enabled") === "on",
    });
  }

  return (
    <form onSubmit={submit} className="space-y-3">
      {model ? (
        <p className="text-sm text-slate-600">Model id <code className="font-mono text-slate-900">{model.model_id}</code></p>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Provider" htmlFor={`${p}-provider`}>
            <Select id={`${p}-provider`} name="provider" defaultValue={defaultProvider ?? providers[0]?.slug} required className="block w-full">
              {providers.map((pr) => <option key={pr.id} value={pr.slug}>{pr.name} ({pr.slug})</option>)}
            </Select>
          </Field>
          <Field label="Upstream id" htmlFor={`${p}-upstream`} hint="the id the provider's API expects">
            <Input id={`${p}-upstream`} name="upstream_id" required maxLength={300} spellCheck={false} />
          </Field>
        </div>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Display name" htmlFor={`${p}-name`}>
          <Input id={`${p}-name`} name="name" defaultValue={model?.name} required maxLength={200} />
        </Field>
        <Field label="Power level" htmlFor={`${p}-level`}>
          <Select id={`${p}-level`} name="power_level" defaultValue={model?.power_level ?? "BALANCED"} className="block w-full">
            {POWER_LEVEL_OPTIONS.map((l) => <option key={l} value={l}>{l}</option>)}
          </Select>
        </Field>
        <Field label="Input price (USD / 1M tokens)" htmlFor={`${p}-in`}>
          <Input id={`${p}-in`} name="input_per_1m" type="number" min={0} max={100_000} step="0.000001" defaultValue={model?.input_per_1m ?? 0} required />
        </Field>
        <Field label="Output price (USD / 1M tokens)" htmlFor={`${p}-out`}>
          <Input id={`${p}-out`} name="output_per_1m" type="number" min={0} max={100_000} step="0.000001" defaultValue={model?.output_per_1m ?? 0} required />
        </Field>
        <Field label="Typical first-token latency (ms)" htmlFor={`${p}-latency`}>
          <Input id={`${p}-latency`} name="latency_ms" type="number" min={0} max={600_000} step={1} defaultValue={model?.latency_ms ?? 800} required />
        </Field>
        <Field label="Quality (0–10)" htmlFor={`${p}-quality`}>
          <Input id={`${p}-quality`} name="quality" type="number" min={0} max={10} step="0.1" defaultValue={model?.quality ?? 7} required />
        </Field>
        <Field label="Context window (tokens)" htmlFor={`${p}-context`}>
          <Input id={`${p}-context`} name="context_tokens" type="number" min={1} max={100_000_000} step={1} defaultValue={model?.context_tokens ?? 128_000} required />
        </Field>
        <Field label="Capabilities" htmlFor={`${p}-caps`} hint="comma-separated, e.g. chat, code, tools, vision">
          <Input id={`${p}-caps`} name="capabilities" defaultValue={model?.capabilities.join(", ") ?? "chat"} spellCheck={false} />
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="enabled" defaultChecked={model?.enabled ?? true} /> Enabled (routable)</label>
      {error && <Alert>{error.message}</Alert>}
      <Button type="submit" disabled={pending}>{pending ? "Saving…" : submitLabel}</Button>
    </form>
  );
}
