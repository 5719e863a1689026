"use client";
import { Field, Input } from "@/components/ui/primitives";
import type { FormErrors } from "@/components/form-errors";
import { useModels } from "@/components/models/models-query";
import { POWER_LEVELS, type PowerLevel } from "@/lib/router/types";
import type { FenceDraft } from "./fence-draft";

const LEVEL_MEANING: Record<PowerLevel, string> = { ECO: "cheapest", BALANCED: "everyday", PRECISION: "strongest" };

/**
 * The fences of a key as controls, shared by the create form and the edit dialog. Every blank
 * field means "no fence". `prefix` keeps the ids of two forms on one page apart.
 */
export function KeyFenceFields({
  prefix,
  draft,
  onChange,
  errors,
}: {
  prefix: string;
  draft: FenceDraft;
  onChange: (patch: Partial<FenceDraft>) => void;
  errors: FormErrors;
}) {
  const id = (name: string) => `${prefix}-${name}`;
  const listId = id("model-options");
  const models = useModels();
  const levelsError = errors.of("allowed_power_levels");
  const profileError = errors.of("routing_profile");
  const toggle = (level: PowerLevel, on: boolean) =>
    onChange({ levels: POWER_LEVELS.filter((l) => (l === level ? on : draft.levels.includes(l))) });

  return (
    <div className="space-y-4">
      <datalist id={listId}>
        {models.data?.models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.switchyard.name}
          </option>
        ))}
      </datalist>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field
          label="Monthly limit (USD)"
          htmlFor={id("limit")}
          hint="blank: no limit; resets on the 1st (UTC)"
          error={errors.of("monthly_limit_usd")}
        >
          <Input
            id={id("limit")}
            type="number"
            inputMode="decimal"
            min={0}
            max={1_000_000}
            step="0.01"
            placeholder="no limit"
            value={draft.monthlyLimit}
            onChange={(e) => onChange({ monthlyLimit: e.target.value })}
            {...errors.aria("monthly_limit_usd", id("limit"))}
          />
        </Field>
        <Field
          label="Expires"
          htmlFor={id("expires")}
          hint="blank: never; works through the end of that day"
          error={errors.of("expires_at")}
        >
          <Input
            id={id("expires")}
            type="date"
            value={draft.expires}
            onChange={(e) => onChange({ expires: e.target.value })}
            {...errors.aria("expires_at", id("expires"))}
          />
        </Field>
        <Field label="Requests per minute" htmlFor={id("rpm")} hint="blank: no limit" error={errors.of("rpm")}>
          <Input
            id={id("rpm")}
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            placeholder="no limit"
            value={draft.rpm}
            onChange={(e) => onChange({ rpm: e.target.value })}
            {...errors.aria("rpm", id("rpm"))}
          />
        </Field>
        <Field label="Tokens per minute" htmlFor={id("tpm")} hint="blank: no limit" error={errors.of("tpm")}>
          <Input
            id={id("tpm")}
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            placeholder="no limit"
            value={draft.tpm}
            onChange={(e) => onChange({ tpm: e.target.value })}
            {...errors.aria("tpm", id("tpm"))}
          />
        </Field>
      </div>

      <fieldset
        className="min-w-0 space-y-1.5"
        {...(levelsError ? { "aria-invalid": true, "aria-describedby": id("levels-error") } : {})}
      >
        <legend className="text-sm font-medium text-slate-700">Allowed power levels</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1.5">
          {POWER_LEVELS.map((level) => (
            <label key={level} className="flex items-center gap-1.5 text-sm text-slate-700">
              <input
                type="checkbox"
                checked={draft.levels.includes(level)}
                onChange={(e) => toggle(level, e.target.checked)}
              />
              {level}
              <span className="text-xs text-slate-500" aria-hidden>
                ({LEVEL_MEANING[level]})
              </span>
            </label>
          ))}
        </div>
        <p className="text-xs text-slate-500">none checked: every level</p>
        {levelsError && (
          <p id={id("levels-error")} className="text-xs font-medium text-red-700">
            {levelsError.join(" ")}
          </p>
        )}
      </fieldset>

      <Field
        label="Allowed models"
        htmlFor={id("models")}
        hint="one a line: provider/model, or provider/* for all of a provider's models; blank: every model"
        error={errors.of("allowed_models")}
      >
        <textarea
          id={id("models")}
          rows={Math.min(8, Math.max(3, draft.models.split("\n").length + 1))}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          placeholder={"openai/gpt-4o-mini\nanthropic/*"}
          value={draft.models}
          onChange={(e) => onChange({ models: e.target.value })}
          {...errors.aria("allowed_models", id("models"))}
          className="block w-full rounded-md border-0 px-3 py-2 font-mono text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-500 focus:outline-none"
        />
      </Field>

      <fieldset
        className="min-w-0 space-y-2"
        {...(profileError ? { "aria-invalid": true, "aria-describedby": id("profile-error") } : {})}
      >
        <legend className="text-sm font-medium text-slate-700">Routing profile</legend>
        <p className="text-xs text-slate-500">
          For requests that name no model (auto, eco, balanced, precision): the primary model, then the fallback; the
          local model when privacy is required. Blank: the router decides.
        </p>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
          {(["primary", "fallback", "local"] as const).map((part) => {
            const param = `routing_profile.${part}`;
            const label = { primary: "Primary model", fallback: "Fallback model", local: "Local model" }[part];
            return (
              <Field key={part} label={label} htmlFor={id(part)} error={errors.of(param)}>
                <Input
                  id={id(part)}
                  list={listId}
                  spellCheck={false}
                  autoCapitalize="off"
                  autoCorrect="off"
                  placeholder={part === "primary" ? "provider/model" : "optional"}
                  value={draft[part]}
                  onChange={(e) => onChange({ [part]: e.target.value })}
                  {...errors.aria(param, id(part))}
                />
              </Field>
            );
          })}
        </div>
        {profileError && (
          <p id={id("profile-error")} className="text-xs font-medium text-red-700">
            {profileError.join(" ")}
          </p>
        )}
      </fieldset>
    </div>
  );
}
