import { ApiClientError } from "@/components/api-client";
import { Alert, fieldAria } from "@/components/ui/primitives";
import type { FieldError } from "@/lib/http/zod-messages";

export type FormErrors = {
  /** What is wrong with the field at `param` (or inside it: "compliance" gets "compliance.0"); undefined when nothing. */
  of(param: string): string[] | undefined;
  /** `fieldAria` for the control of that field. */
  aria(param: string, htmlFor: string): ReturnType<typeof fieldAria>;
  /** Problems no field of this form shows: the request as a whole, or a field the form lacks. */
  rest: string[];
};

/**
 * Sorts a form's problems by field. `source` is what the browser's own check found
 * (validateFields, with the schema the API uses) or what the API answered (ApiClientError);
 * `fields` are the params this form has a control for.
 */
export function formErrors(
  source: readonly FieldError[] | Error | null | undefined,
  fields: readonly string[],
): FormErrors {
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  for (const e of fieldErrorsOf(source)) {
    const field = e.param === null ? undefined : ownerOf(e.param, fields);
    if (field === undefined) rest.push(e.message);
    else byField.set(field, [...(byField.get(field) ?? []), e.message]);
  }
  return {
    of: (param) => byField.get(param),
    aria: (param, htmlFor) => fieldAria(htmlFor, byField.get(param)),
    rest,
  };
}

function fieldErrorsOf(source: readonly FieldError[] | Error | null | undefined): readonly FieldError[] {
  if (!source) return [];
  if (source instanceof ApiClientError) return source.errors;
  if (source instanceof Error) return [{ param: null, message: source.message }];
  return source;
}

/** The most specific field the param is in ("simulation.error_rate" before "simulation"). */
function ownerOf(param: string, fields: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const f of fields) if ((param === f || param.startsWith(`${f}.`)) && f.length > (best?.length ?? -1)) best = f;
  return best;
}

/** The problems that belong to no field of the form, where the form's single error used to be. */
export function FormErrorSummary({ errors }: { errors: FormErrors }) {
  if (errors.rest.length === 0) return null;
  if (errors.rest.length === 1) return <Alert>{errors.rest[0]}</Alert>;
  return (
    <Alert>
      <ul className="list-disc space-y-0.5 pl-4">
        {errors.rest.map((m, i) => (
          <li key={i}>{m}</li>
        ))}
      </ul>
    </Alert>
  );
}
