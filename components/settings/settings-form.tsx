"use client";
import { useState, type FormEvent } from "react";
import { Alert, Button, Card, Field, Input } from "@/components/ui/primitives";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import { settingsPatchSchema, ZERO_BUDGET_MEANING } from "@/lib/users/schemas";
import { BudgetProgress } from "@/components/credits/budget-progress";
import { useModels } from "@/components/models/models-query";
import { PowerLevelPicker } from "@/components/models/power-level-picker";
import { POWER_LEVEL_WEIGHTS } from "@/lib/router/catalog-defaults";
import type { Level } from "@/lib/catalog/model-table";
import { useSaveSettings, useSettings, type UserSettings, type Weights } from "./settings-query";

const WEIGHT_KEYS = ["cost", "latency", "quality"] as const;
const FIELDS = ["preferred_power_level", "routing_weights", "monthly_budget_usd"];

export function SettingsForm() {
  const settings = useSettings();
  if (settings.isPending) return <p className="text-sm text-slate-500">Loading settings…</p>;
  if (settings.error) return <Alert>{settings.error.message}</Alert>;
  return <SettingsEditor initial={settings.data} />;
}

function SettingsEditor({ initial }: { initial: UserSettings }) {
  const models = useModels();
  const save = useSaveSettings();
  const saved = useSettings().data ?? initial;
  const [level, setLevel] = useState<Level | null>(initial.preferred_power_level);
  const [weights, setWeights] = useState<Weights | null>(initial.routing_weights);
  const [budget, setBudget] = useState(initial.monthly_budget_usd == null ? "" : String(initial.monthly_budget_usd));
  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const errors = formErrors(invalid ?? save.error, FIELDS);
  const budgetUsd = budget.trim() === "" ? null : Number(budget);

  const shownLevel = level ?? "BALANCED";
  const shownWeights = weights ?? POWER_LEVEL_WEIGHTS[shownLevel];
  const weightSum = WEIGHT_KEYS.reduce((s, k) => s + shownWeights[k], 0);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const body = { preferred_power_level: level, routing_weights: weights, monthly_budget_usd: budgetUsd };
    const check = validateFields(settingsPatchSchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (check.ok) save.mutate(body);
  }

  const edit = () => {
    setInvalid(null);
    save.reset();
  };

  return (
    <form onSubmit={onSubmit} onChange={edit} className="space-y-6" noValidate>
      <Card title="Preferred power level">
        <p className="mb-3 text-sm text-slate-600">
          Used when a request names no level (model <code className="font-mono">auto</code> without{" "}
          <code className="font-mono">power_level</code>), from the playground and from your API keys.
        </p>
        <div className="max-w-lg">
          <PowerLevelPicker
            value={shownLevel}
            onChange={(l) => {
              setLevel(l);
              edit();
            }}
            typical={models.data?.typical}
          />
        </div>
        <p className="mt-2 text-xs text-slate-500">
          {level ? (
            <>
              Preference: {level}.{" "}
              <button
                type="button"
                className="text-indigo-700 underline"
                onClick={() => {
                  setLevel(null);
                  edit();
                }}
              >
                Clear (use the default, BALANCED)
              </button>
            </>
          ) : (
            "No preference set: the default, BALANCED, applies."
          )}
        </p>
      </Card>

      <Card title="Routing weights">
        <p className="mb-3 text-sm text-slate-600">
          How much the router values low cost, low latency and high quality when it ranks models. They are normalised to
          sum to 1.
        </p>
        <label className="mb-4 flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            className="h-4 w-4 accent-indigo-600"
            checked={weights === null}
            onChange={(e) => setWeights(e.target.checked ? null : { ...POWER_LEVEL_WEIGHTS[shownLevel] })}
          />
          Use the power level&apos;s defaults
        </label>
        {errors.of("routing_weights") && (
          <p className="mb-3 text-xs font-medium text-red-700">{errors.of("routing_weights")!.join(" ")}</p>
        )}
        <div className="grid gap-4 sm:grid-cols-3">
          {WEIGHT_KEYS.map((k) => (
            <Field
              key={k}
              label={`${k[0]!.toUpperCase()}${k.slice(1)}`}
              htmlFor={`w-${k}`}
              hint={weightSum > 0 ? `${Math.round((shownWeights[k] / weightSum) * 100)}% of the score` : undefined}
            >
              <div className="flex items-center gap-2">
                <input
                  id={`w-${k}`}
                  type="range"
                  min={0}
                  max={1}
                  step={0.05}
                  disabled={weights === null}
                  value={shownWeights[k]}
                  onChange={(e) => setWeights({ ...shownWeights, [k]: Number(e.target.value) })}
                  className="w-full accent-indigo-600 disabled:opacity-50"
                />
                <span className="w-10 text-right text-sm text-slate-700 tabular-nums">
                  {shownWeights[k].toFixed(2)}
                </span>
              </div>
            </Field>
          ))}
        </div>
      </Card>

      <Card title="Monthly budget">
        <div className="max-w-xs">
          <Field
            label="Budget (USD per month)"
            htmlFor="budget"
            hint={budgetUsd === 0 ? ZERO_BUDGET_MEANING : "Leave empty for no budget."}
            error={errors.of("monthly_budget_usd")}
          >
            <Input
              id="budget"
              type="number"
              min={0}
              step="0.01"
              inputMode="decimal"
              placeholder="none"
              value={budget}
              onChange={(e) => setBudget(e.target.value)}
              {...errors.aria("monthly_budget_usd", "budget")}
            />
          </Field>
        </div>
        <div className="mt-4 border-t border-slate-100 pt-4">
          <BudgetProgress budgetUsd={saved.monthly_budget_usd} />
        </div>
      </Card>

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save settings"}
        </Button>
        {save.isSuccess && <Alert kind="success">Settings saved.</Alert>}
        <FormErrorSummary errors={errors} />
      </div>
    </form>
  );
}
