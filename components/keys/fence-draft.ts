/**
 * A key's name and fences as the form holds them (text, as typed) and the request bodies made
 * from them: the whole set for POST, only what changed for PATCH (a cleared field is `null`).
 */
import { POWER_LEVELS, type PowerLevel } from "@/lib/router/types";
import type { FieldError } from "@/lib/http/zod-messages";
import type { ApiKeyView, CreateKeyBody, UpdateKeyBody } from "./key-types";

export type FenceDraft = {
  name: string;
  /** Dollars as typed; blank: no limit. */
  monthlyLimit: string;
  /** None checked: every level. */
  levels: PowerLevel[];
  /** One model id (or provider/*) a line; blank: every model. */
  models: string;
  rpm: string;
  tpm: string;
  /** A local date (yyyy-mm-dd): the key works through the end of that day. Blank: never expires. */
  expires: string;
  primary: string;
  fallback: string;
  local: string;
};

export const EMPTY_DRAFT: FenceDraft = {
  name: "",
  monthlyLimit: "",
  levels: [],
  models: "",
  rpm: "",
  tpm: "",
  expires: "",
  primary: "",
  fallback: "",
  local: "",
};

/** The params the form has a control for; errors on anything else go to the form's summary. */
export const FENCE_PARAMS = [
  "name",
  "monthly_limit_usd",
  "allowed_power_levels",
  "allowed_models",
  "rpm",
  "tpm",
  "expires_at",
  "routing_profile",
  "routing_profile.primary",
  "routing_profile.fallback",
  "routing_profile.local",
] as const;

/** The fields inside the collapsible "Limits" part of the create form. */
export const LIMIT_PARAMS = FENCE_PARAMS.filter((p) => p !== "name");

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as the local date a date input shows. */
export function localDate(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The end of a local day, as the API's ISO instant. */
function endOfLocalDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

/** The key as the edit form starts. */
export function draftOf(k: ApiKeyView): FenceDraft {
  const n = (v: number | null) => (v === null ? "" : String(v));
  return {
    name: k.name,
    monthlyLimit: n(k.monthly_limit_usd),
    levels: POWER_LEVELS.filter((l) => k.allowed_power_levels?.includes(l)),
    models: (k.allowed_models ?? []).join("\n"),
    rpm: n(k.rpm),
    tpm: n(k.tpm),
    expires: k.expires_at ? localDate(k.expires_at) : "",
    primary: k.routing_profile?.primary ?? "",
    fallback: k.routing_profile?.fallback ?? "",
    local: k.routing_profile?.local ?? "",
  };
}

const numberOrNull = (text: string) => (text.trim() === "" ? null : Number(text.trim()));

/** The lines of the models box, without blanks or repeats. */
export const modelLines = (text: string) => [
  ...new Set(
    text
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];

type Fences = Required<Omit<CreateKeyBody, "name">>;

/** Every fence as the API takes it, `null` where the draft sets none. */
function fencesOf(d: FenceDraft): Fences {
  const models = modelLines(d.models);
  const [primary, fallback, local] = [d.primary.trim(), d.fallback.trim(), d.local.trim()];
  return {
    monthly_limit_usd: numberOrNull(d.monthlyLimit),
    allowed_power_levels: d.levels.length ? POWER_LEVELS.filter((l) => d.levels.includes(l)) : null,
    allowed_models: models.length ? models : null,
    rpm: numberOrNull(d.rpm),
    tpm: numberOrNull(d.tpm),
    expires_at: d.expires ? endOfLocalDay(d.expires) : null,
    // Without a primary there is no profile; draftProblems says so when the others are filled.
    routing_profile: primary ? { primary, fallback: fallback || null, local: local || null } : null,
  };
}

/** What the schema cannot see in the body: a fallback or local model without a primary. */
export function draftProblems(d: FenceDraft): FieldError[] {
  if (d.primary.trim() || !(d.fallback.trim() || d.local.trim())) return [];
  return [{ param: "routing_profile.primary", message: "Primary model is required for a fallback or local model" }];
}

/** POST /api/keys: the name and the fences that are set. */
export function createBodyOf(d: FenceDraft): CreateKeyBody {
  const body: CreateKeyBody = { name: d.name };
  for (const [field, value] of Object.entries(fencesOf(d))) if (value !== null) Object.assign(body, { [field]: value });
  return body;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** Numbers compare by value; a typo (NaN) counts as a change, so the schema gets to say what is wrong. */
const sameNumber = (a: number | null, b: number | null) => a === b;

/** PATCH /api/keys/:id: the fields that differ from the key as it is; `null` clears a fence. */
export function patchBodyOf(k: ApiKeyView, d: FenceDraft): UpdateKeyBody {
  const next = fencesOf(d);
  const was = draftOf(k);
  const body: UpdateKeyBody = {};
  if (d.name.trim() !== k.name) body.name = d.name;
  if (!sameNumber(next.monthly_limit_usd, k.monthly_limit_usd)) body.monthly_limit_usd = next.monthly_limit_usd;
  if (!same(next.allowed_power_levels, k.allowed_power_levels)) body.allowed_power_levels = next.allowed_power_levels;
  if (!same(next.allowed_models, k.allowed_models)) body.allowed_models = next.allowed_models;
  if (!sameNumber(next.rpm, k.rpm)) body.rpm = next.rpm;
  if (!sameNumber(next.tpm, k.tpm)) body.tpm = next.tpm;
  // Compared as the date the form shows: an expiry set to the second elsewhere stays as it is.
  if (d.expires !== was.expires) body.expires_at = next.expires_at;
  const profile = k.routing_profile && {
    primary: k.routing_profile.primary,
    fallback: k.routing_profile.fallback,
    local: k.routing_profile.local,
  };
  if (!same(next.routing_profile, profile)) body.routing_profile = next.routing_profile;
  return body;
}

/**
 * An entry of the models list is named in its error, so the person sees which line is wrong
 * ("allowed_models.2" alone would say only "the third").
 */
export function withModelLines(errors: readonly FieldError[], d: FenceDraft): FieldError[] {
  const lines = modelLines(d.models);
  return errors.map((e) => {
    const m = e.param && /^allowed_models\.(\d+)$/.exec(e.param);
    const line = m ? lines[Number(m[1])] : undefined;
    return line === undefined ? e : { param: "allowed_models", message: `“${line}”: ${e.message}` };
  });
}
