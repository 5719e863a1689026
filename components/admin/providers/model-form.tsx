"use client";
import { useState, type FormEvent } from "react";
import { Button, Field, Input, Select } from "@/components/ui/primitives";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { modelBodySchema, type ModelBodyInput } from "@/lib/catalog/schemas";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import { POWER_LEVELS } from "@/lib/router/types";
import type { ModelView, ProviderView } from "./catalog-types";
import { numberOrUndefined, splitList } from "./format";

const FIELDS = [
  "provider",
  "upstream_id",
  "name",
  "power_level",
  "input_per_1m",
  "output_per_1m",
  "cache_read_per_1m",
  "cache_write_per_1m",
  "latency_ms",
  "quality",
  "context_tokens",
  "capabilities",
  "enabled",
] as const;

/**
 * Adds a model (no `model`) or edits one. Provider and upstream id make the public model id that
 * rules and clients use, so they are fixed once the model exists.
 */
export function ModelForm({
  model,
  providers,
  defaultProvider,
  pending,
  error,
  submitLabel,
  onSubmit,
}: {
  model?: ModelView;
  providers: ProviderView[];
  defaultProvider?: string;
  pending: boolean;
  error: Error | null;
  submitLabel: string;
  onSubmit: (body: ModelBodyInput) => void;
}) {
  const p = model ? `edit-${model.id}` : "new-model";
  // The browser checks with the API's schema first, so both say the same about a value.
  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const errors = formErrors(invalid ?? error, FIELDS);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = {
      provider: model ? model.provider : String(form.get("provider") ?? ""),
      upstream_id: model ? model.upstream_id : String(form.get("upstream_id") ?? "").trim(),
      name: String(form.get("name") ?? "").trim(),
      power_level: String(form.get("power_level")),
      input_per_1m: numberOrUndefined(form.get("input_per_1m")),
      output_per_1m: numberOrUndefined(form.get("output_per_1m")),
      // Blank is a real value here: no cache price, cached tokens cost the input price.
      cache_read_per_1m: numberOrUndefined(form.get("cache_read_per_1m")) ?? null,
      cache_write_per_1m: numberOrUndefined(form.get("cache_write_per_1m")) ?? null,
      latency_ms: numberOrUndefined(form.get("latency_ms")),
      quality: numberOrUndefined(form.get("quality")),
      context_tokens: numberOrUndefined(form.get("context_tokens")),
      capabilities: splitList(String(form.get("capabilities") ?? "").toLowerCase()),
      enabled: form.get("enabled") === "on",
    };
    const check = validateFields(modelBodySchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (check.ok) onSubmit(body as ModelBodyInput);
  }

  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      {model ? (
        <p className="text-sm text-slate-600">
          Model id <code className="font-mono text-slate-900">{model.model_id}</code>
        </p>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Provider" htmlFor={`${p}-provider`} error={errors.of("provider")}>
            <Select
              id={`${p}-provider`}
              name="provider"
              defaultValue={defaultProvider ?? providers[0]?.slug}
              required
              className="block w-full"
              {...errors.aria("provider", `${p}-provider`)}
            >
              {providers.map((pr) => (
                <option key={pr.id} value={pr.slug}>
                  {pr.name} ({pr.slug})
                </option>
              ))}
            </Select>
          </Field>
          <Field
            label="Upstream id"
            htmlFor={`${p}-upstream`}
            hint="the id the provider's API expects"
            error={errors.of("upstream_id")}
          >
            <Input
              id={`${p}-upstream`}
              name="upstream_id"
              required
              maxLength={300}
              spellCheck={false}
              {...errors.aria("upstream_id", `${p}-upstream`)}
            />
          </Field>
        </div>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Display name" htmlFor={`${p}-name`} error={errors.of("name")}>
          <Input
            id={`${p}-name`}
            name="name"
            defaultValue={model?.name}
            required
            maxLength={200}
            {...errors.aria("name", `${p}-name`)}
          />
        </Field>
        <Field label="Power level" htmlFor={`${p}-level`} error={errors.of("power_level")}>
          <Select
            id={`${p}-level`}
            name="power_level"
            defaultValue={model?.power_level ?? "BALANCED"}
            className="block w-full"
            {...errors.aria("power_level", `${p}-level`)}
          >
            {POWER_LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Input price (USD / 1M tokens)" htmlFor={`${p}-in`} error={errors.of("input_per_1m")}>
          <Input
            id={`${p}-in`}
            name="input_per_1m"
            type="number"
            min={0}
            max={100_000}
            step="0.000001"
            defaultValue={model?.input_per_1m ?? 0}
            required
            {...errors.aria("input_per_1m", `${p}-in`)}
          />
        </Field>
        <Field label="Output price (USD / 1M tokens)" htmlFor={`${p}-out`} error={errors.of("output_per_1m")}>
          <Input
            id={`${p}-out`}
            name="output_per_1m"
            type="number"
            min={0}
            max={100_000}
            step="0.000001"
            defaultValue={model?.output_per_1m ?? 0}
            required
            {...errors.aria("output_per_1m", `${p}-out`)}
          />
        </Field>
        <Field
          label="Cache read price (USD / 1M tokens)"
          htmlFor={`${p}-cache-read`}
          hint="blank: billed at the input price"
          error={errors.of("cache_read_per_1m")}
        >
          <Input
            id={`${p}-cache-read`}
            name="cache_read_per_1m"
            type="number"
            min={0}
            max={100_000}
            step="0.000001"
            defaultValue={model?.cache_read_per_1m ?? ""}
            {...errors.aria("cache_read_per_1m", `${p}-cache-read`)}
          />
        </Field>
        <Field
          label="Cache write price (USD / 1M tokens)"
          htmlFor={`${p}-cache-write`}
          hint="blank: billed at the input price"
          error={errors.of("cache_write_per_1m")}
        >
          <Input
            id={`${p}-cache-write`}
            name="cache_write_per_1m"
            type="number"
            min={0}
            max={100_000}
            step="0.000001"
            defaultValue={model?.cache_write_per_1m ?? ""}
            {...errors.aria("cache_write_per_1m", `${p}-cache-write`)}
          />
        </Field>
        <Field label="Typical first-token latency (ms)" htmlFor={`${p}-latency`} error={errors.of("latency_ms")}>
          <Input
            id={`${p}-latency`}
            name="latency_ms"
            type="number"
            min={0}
            max={600_000}
            step={1}
            defaultValue={model?.latency_ms ?? 800}
            required
            {...errors.aria("latency_ms", `${p}-latency`)}
          />
        </Field>
        <Field label="Quality (0–10)" htmlFor={`${p}-quality`} error={errors.of("quality")}>
          <Input
            id={`${p}-quality`}
            name="quality"
            type="number"
            min={0}
            max={10}
            step="0.1"
            defaultValue={model?.quality ?? 7}
            required
            {...errors.aria("quality", `${p}-quality`)}
          />
        </Field>
        <Field label="Context window (tokens)" htmlFor={`${p}-context`} error={errors.of("context_tokens")}>
          <Input
            id={`${p}-context`}
            name="context_tokens"
            type="number"
            min={1}
            max={100_000_000}
            step={1}
            defaultValue={model?.context_tokens ?? 128_000}
            required
            {...errors.aria("context_tokens", `${p}-context`)}
          />
        </Field>
        <Field
          label="Capabilities"
          htmlFor={`${p}-caps`}
          hint="comma-separated, e.g. chat, code, tools, vision"
          error={errors.of("capabilities")}
        >
          <Input
            id={`${p}-caps`}
            name="capabilities"
            defaultValue={model?.capabilities.join(", ") ?? "chat"}
            spellCheck={false}
            {...errors.aria("capabilities", `${p}-caps`)}
          />
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={model?.enabled ?? true} /> Enabled (routable)
      </label>
      <FormErrorSummary errors={errors} />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : submitLabel}
      </Button>
    </form>
  );
}
