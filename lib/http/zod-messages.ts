/**
 * Validation problems as sentences a person can act on: "Input price must be 0 or more", not
 * zod's "input_per_1m: Too small: expected number to be >=0". The field's name and units come from
 * the schema itself (`.meta({ label, unit, per })` next to each field in lib/<domain>/schemas.ts),
 * so the API route and the form that share a schema say exactly the same thing. No Next or Node
 * imports: the browser runs this too, for forms that check before they send.
 */
import { z } from "zod";

/** One problem, tied to the field it is about (`null`: the request as a whole). */
export type FieldError = { param: string | null; message: string };

/** What a field tells the messages about itself, set with zod's `.meta()` on the field schema. */
export type FieldMeta = {
  /** The field as the form names it, without units: "Input price". Unlabelled fields go by their path. */
  label?: string;
  /** The field is an amount of money: limits read as dollars ("$1,000,000"). */
  unit?: "usd";
  /** With `unit`, an upper limit reads "At most $1,000,000 per grant". */
  per?: string;
  /** Replaces the sentence for one issue code (`too_big`, `invalid_format`, …); `{label}` and `{limit}` are filled in. */
  messages?: Partial<Record<string, string>>;
};

declare module "zod/v4/core" {
  interface GlobalMeta {
    label?: string;
    unit?: "usd";
    per?: string;
    messages?: Partial<Record<string, string>>;
  }
}

type Path = readonly PropertyKey[];
type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

const ROOT_LABEL = "The request body";

/** Every issue of a failed parse as sentences, in the schema's field order, without repeats. */
export function describeZodError(error: z.ZodError, schema?: Schema): FieldError[] {
  const all = error.issues.flatMap((issue) => describeIssue(issue, [], schema));
  // An empty field fails its format checks too; "is required" is the one thing to say about it.
  const empty = new Set(all.filter((e) => e.required).map((e) => e.param));
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const { param, message, required } of all) {
    const key = `${param}\u0000${message}`;
    if (seen.has(key) || (empty.has(param) && !required)) continue;
    seen.add(key);
    out.push({ param, message });
  }
  return out;
}

/** Parses like `schema.safeParse`, answering the same sentences the API would on failure. */
export function validateFields<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldError[] } {
  const parsed = schema.safeParse(value, { reportInput: true });
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, errors: describeZodError(parsed.error, schema) };
}

/** The label a schema gives the field at `param` ("input_per_1m" → "Input price"), if it gives one. */
export function labelOf(schema: Schema, param: string): string | undefined {
  return metaAt(
    schema,
    param.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
  ).label;
}

type Described = FieldError & { required?: boolean };

function describeIssue(issue: Issue, prefix: Path, schema: Schema | undefined): Described[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ param: paramOf([...path, key]), message: `Unknown field "${key}"` }));
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // The branch that got furthest is the one the sender meant (a list rather than one value, say).
    const depth = (branch: Issue[]) => Math.max(0, ...branch.map((i) => i.path.length));
    const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    return best.flatMap((i) => describeIssue(i, path, schema));
  }
  if ((issue.code === "invalid_key" || issue.code === "invalid_element") && issue.issues.length > 0) {
    return issue.issues.flatMap((i) => describeIssue(i, path, schema));
  }
  const meta = schema ? metaAt(schema, path) : {};
  const label = meta.label ?? (path.length ? paramOf(path)! : ROOT_LABEL);
  return [{ param: paramOf(path), message: sentence(issue, label, meta), required: isRequired(issue) }];
}

function isRequired(issue: Issue): boolean {
  if (issue.code === "invalid_type") return isMissing(issue);
  return issue.code === "too_small" && issue.origin === "string" && Number(issue.minimum) <= 1;
}

function paramOf(path: Path): string | null {
  return path.length ? path.map(String).join(".") : null;
}

function sentence(issue: Issue, label: string, meta: FieldMeta): string {
  const limit = limitOf(issue);
  const fill = (template: string) =>
    template.replaceAll("{label}", label).replaceAll("{limit}", limit === undefined ? "" : formatLimit(limit, meta));
  const override = meta.messages?.[issue.code];
  if (override) return fill(override);
  switch (issue.code) {
    case "invalid_type":
      if (label === ROOT_LABEL && issue.expected === "object") return `${label} must be a JSON object`;
      if (isMissing(issue)) return `${label} is required`;
      return `${label} must be ${TYPE_NAMES[issue.expected] ?? `of type ${issue.expected}`}`;
    case "too_small": {
      const n = Number(issue.minimum);
      if (issue.origin === "string")
        return n <= 1 ? `${label} is required` : `${label} must be at least ${n} characters`;
      if (issue.origin === "array" || issue.origin === "set")
        return n <= 1 ? `${label} needs at least one entry` : `${label} needs at least ${n} entries`;
      if (!issue.inclusive) return `${label} must be more than ${formatLimit(n, meta)}`;
      if (meta.unit === "usd" && meta.per && n !== 0) return `At least ${formatLimit(n, meta)} per ${meta.per}`;
      return `${label} must be ${n === 0 ? "0" : formatLimit(n, meta)} or more`;
    }
    case "too_big": {
      const n = Number(issue.maximum);
      if (issue.origin === "string") return `${label} must be at most ${formatNumber(n)} characters`;
      if (issue.origin === "array" || issue.origin === "set")
        return `${label} can have at most ${formatNumber(n)} entries`;
      if (!issue.inclusive) return `${label} must be less than ${formatLimit(n, meta)}`;
      if (meta.unit === "usd" && meta.per) return `At most ${formatLimit(n, meta)} per ${meta.per}`;
      return `${label} must be at most ${formatLimit(n, meta)}`;
    }
    case "invalid_format":
      return `${label} must be ${FORMAT_NAMES[issue.format] ?? "in the expected format"}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `${label} must be ${show(issue.values[0])}`
        : `${label} must be one of ${listOf(issue.values.map(show))}`;
    case "not_multiple_of":
      if (meta.unit === "usd" && Number(issue.divisor) === 0.01) return `${label} must be in whole cents`;
      return `${label} must be a multiple of ${formatLimit(Number(issue.divisor), meta)}`;
    case "custom": {
      const text = issue.message && issue.message !== "Invalid input" ? issue.message : null;
      if (!text) return `${label} is not valid`;
      if (text.includes("{label}") || !/^[a-z]/.test(text)) return fill(text);
      // A fragment ("is not a cursor") is about the field it names; about the whole body, a sentence.
      return label === ROOT_LABEL ? `${text[0]!.toUpperCase()}${text.slice(1)}` : `${label} ${text}`;
    }
    default:
      return `${label} is not valid`;
  }
}

const TYPE_NAMES: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  bigint: "a whole number",
  string: "text",
  boolean: "true or false",
  object: "an object",
  array: "a list",
  date: "a date",
  null: "null",
};

const FORMAT_NAMES: Record<string, string> = {
  email: "a valid email address",
  url: "a valid URL",
  uuid: "a UUID",
  datetime: "a date and time such as 2030-01-31T12:00:00Z",
  date: "a date such as 2030-01-31",
  time: "a time such as 12:00:00",
  regex: "in the expected format",
};

/**
 * A missing field is zod's invalid_type with nothing (or null, a form's blank) as the input. The
 * input is kept on the issue only when the parse asked for it (validateFields does); otherwise
 * zod's own wording says so.
 */
function isMissing(issue: Issue): boolean {
  if ("input" in issue) return issue.input === undefined || issue.input === null;
  return /received (undefined|null)$/.test(issue.message);
}

function limitOf(issue: Issue): number | undefined {
  if (issue.code === "too_small") return Number(issue.minimum);
  if (issue.code === "too_big") return Number(issue.maximum);
  if (issue.code === "not_multiple_of") return Number(issue.divisor);
  return undefined;
}

function formatLimit(n: number, meta: FieldMeta): string {
  return meta.unit === "usd" ? formatDollars(n) : formatNumber(n);
}

function formatNumber(n: number): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: 6 });
}

/** $1,000,000 and $5 for whole dollars, $0.50 and $0.000001 otherwise: never rounded away. */
export function formatDollars(n: number): string {
  const whole = Number.isInteger(n);
  const text = Math.abs(n).toLocaleString("en-US", {
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: whole ? 0 : 6,
  });
  return `${n < 0 ? "-" : ""}$${text}`;
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function listOf(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

// --- Finding a field's meta by its path, through wrappers, pipes, unions and lists. ---

type Def = { type: string; [k: string]: unknown };
const defOf = (s: Schema) => s._zod.def as unknown as Def;

function metaAt(root: Schema, path: Path): FieldMeta {
  let nodes: Schema[] = [root];
  let meta = firstMeta(nodes);
  for (const segment of path) {
    nodes = nodes.flatMap((n) => layers(n).flatMap((l) => step(l, segment)));
    if (nodes.length === 0) return {};
    const own = firstMeta(nodes);
    // A list's items speak with the list's label unless they have their own ("Each compliance tag").
    meta = typeof segment === "number" && !own.label ? { ...meta, ...own, label: meta.label } : own;
  }
  return meta;
}

/** The meta of the outermost layer that has one (`.meta()` may sit inside `.optional()` or outside it). */
function firstMeta(nodes: Schema[]): FieldMeta {
  for (const n of nodes) {
    for (const l of layers(n)) {
      const m = z.globalRegistry.get(l);
      if (m && (m.label !== undefined || m.unit !== undefined || m.messages !== undefined)) return m as FieldMeta;
    }
  }
  return {};
}

const WRAPPERS = new Set([
  "optional",
  "nullable",
  "default",
  "prefault",
  "readonly",
  "catch",
  "nonoptional",
  "success",
]);

/** A schema and the schemas it wraps, outermost first. */
function layers(s: Schema, depth = 0): Schema[] {
  if (depth > 20) return [s];
  const def = defOf(s);
  if (WRAPPERS.has(def.type)) return [s, ...layers(def.innerType as Schema, depth + 1)];
  if (def.type === "pipe") return [s, ...layers(def.in as Schema, depth + 1), ...layers(def.out as Schema, depth + 1)];
  if (def.type === "lazy") return [s, ...layers((def.getter as () => Schema)(), depth + 1)];
  return [s];
}

function step(s: Schema, segment: PropertyKey): Schema[] {
  const def = defOf(s);
  switch (def.type) {
    case "object": {
      const field = (def.shape as Record<PropertyKey, Schema>)[segment];
      return field ? [field] : [];
    }
    case "array":
      return typeof segment === "number" ? [def.element as Schema] : [];
    case "tuple":
      return typeof segment === "number" && (def.items as Schema[])[segment] ? [(def.items as Schema[])[segment]!] : [];
    case "record":
      return [def.valueType as Schema];
    case "union":
      return (def.options as Schema[]).flatMap((o) => layers(o).flatMap((l) => step(l, segment)));
    case "intersection":
      return [def.left as Schema, def.right as Schema].flatMap((o) => layers(o).flatMap((l) => step(l, segment)));
    default:
      return [];
  }
}
