import { Field, Input } from "@/components/ui/primitives";
import type { FormErrors } from "@/components/form-errors";
import type { SimulationInput } from "@/lib/catalog/schemas";
import { SIMULATION_DEFAULTS } from "./catalog-types";
import { numberOrUndefined } from "./format";

/** The params of the knobs below, for formErrors. */
export const SIMULATION_FIELDS = ["first_token_ms", "tokens_per_second", "error_rate", "error_status", "reply"].map(
  (f) => `simulation.${f}`,
);

/** The simulated provider's knobs, as named form fields (see readSimulation); `errors` by `simulation.<field>`. */
export function SimulationFields({
  idPrefix,
  initial,
  errors,
}: {
  idPrefix: string;
  initial?: SimulationInput | null;
  errors?: FormErrors;
}) {
  const id = (name: string) => `${idPrefix}-${name}`;
  const error = (name: string) => errors?.of(`simulation.${name}`);
  const aria = (name: string) => errors?.aria(`simulation.${name}`, id(name));
  const value = { ...SIMULATION_DEFAULTS, ...initial };
  return (
    <div className="space-y-3">
      <div className="grid grid-cols-2 gap-3">
        <Field label="First token (ms)" htmlFor={id("first_token_ms")} hint="0–120000" error={error("first_token_ms")}>
          <Input
            id={id("first_token_ms")}
            name="first_token_ms"
            type="number"
            min={0}
            max={120_000}
            step={1}
            defaultValue={value.first_token_ms}
            required
            {...aria("first_token_ms")}
          />
        </Field>
        <Field
          label="Tokens per second"
          htmlFor={id("tokens_per_second")}
          hint="0 = as fast as possible"
          error={error("tokens_per_second")}
        >
          <Input
            id={id("tokens_per_second")}
            name="tokens_per_second"
            type="number"
            min={0}
            max={100_000}
            step="any"
            defaultValue={value.tokens_per_second}
            required
            {...aria("tokens_per_second")}
          />
        </Field>
        <Field label="Error rate" htmlFor={id("error_rate")} hint="0–1, e.g. 0.1 fails 10%" error={error("error_rate")}>
          <Input
            id={id("error_rate")}
            name="error_rate"
            type="number"
            min={0}
            max={1}
            step={0.01}
            defaultValue={value.error_rate}
            required
            {...aria("error_rate")}
          />
        </Field>
        <Field label="Error status" htmlFor={id("error_status")} hint="HTTP 400–599" error={error("error_status")}>
          <Input
            id={id("error_status")}
            name="error_status"
            type="number"
            min={400}
            max={599}
            step={1}
            defaultValue={value.error_status}
            required
            {...aria("error_status")}
          />
        </Field>
      </div>
      <Field
        label="Fixed reply (optional)"
        htmlFor={id("reply")}
        hint="Blank: a built-in text that echoes the prompt"
        error={error("reply")}
      >
        <textarea
          id={id("reply")}
          name="reply"
          maxLength={20_000}
          rows={2}
          defaultValue={value.reply ?? ""}
          {...aria("reply")}
          className="block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-500 focus:outline-none"
        />
      </Field>
    </div>
  );
}

export function readSimulation(form: FormData): SimulationInput {
  const reply = String(form.get("reply") ?? "");
  return {
    first_token_ms: numberOrUndefined(form.get("first_token_ms")),
    tokens_per_second: numberOrUndefined(form.get("tokens_per_second")),
    error_rate: numberOrUndefined(form.get("error_rate")),
    error_status: numberOrUndefined(form.get("error_status")),
    ...(reply.trim() ? { reply } : {}),
  };
}
