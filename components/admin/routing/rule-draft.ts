import { asList, type RuleBody, type RuleView } from "./rule-types";

/** The rule form's state: every control's raw value. */
export type RuleDraft = {
  name: string;
  description: string;
  priority: string;
  active: boolean;
  taskTypes: string[];
  powerLevels: string[];
  privacy: "any" | "required" | "not-required";
  tokensGt: string;
  tokensLt: string;
  roles: string[];
  /** No admin API lists other users' keys, so these are kept as they are, not edited. */
  apiKeyIds: string[];
  pinModel: string;
  exclude: string[];
  prefer: string[];
  forceLevel: string;
};

export const EMPTY_DRAFT: RuleDraft = {
  name: "", description: "", priority: "100", active: true,
  taskTypes: [], powerLevels: [], privacy: "any", tokensGt: "", tokensLt: "", roles: [], apiKeyIds: [],
  pinModel: "", exclude: [], prefer: [], forceLevel: "",
};

export function draftOf(rule: RuleView): RuleDraft {
  const c = rule.conditions ?? {};
  const a = rule.actions ?? {};
  return {
    name: rule.name,
    description: rule.description,
    priority: String(rule.priority),
    active: rule.active,
    taskTypes: asList<string>(c.task_type),
    powerLevels: asList<string>(c.power_level),
    privacy: c.privacy_required === undefined ? "any" : c.privacy_required ? "required" : "not-required",
    tokensGt: c.prompt_tokens?.gt === undefined ? "" : String(c.prompt_tokens.gt),
    tokensLt: c.prompt_tokens?.lt === undefined ? "" : String(c.prompt_tokens.lt),
    roles: asList<string>(c.role),
    apiKeyIds: asList<string>(c.api_key_id),
    pinModel: a.pin_model ?? "",
    exclude: asList<string>(a.exclude_providers),
    prefer: asList<string>(a.prefer_providers),
    forceLevel: a.force_power_level ?? "",
  };
}

/** The API body for a draft, or the first problem to fix (the server checks the same and more). */
export function bodyOf(d: RuleDraft): { body: RuleBody } | { problem: string } {
  const name = d.name.trim();
  if (!name) return { problem: "Give the rule a name." };
  const priority = Number(d.priority);
  if (!Number.isInteger(priority)) return { problem: "Priority must be a whole number." };
  const conditions: RuleBody["conditions"] = {};
  if (d.taskTypes.length) conditions.task_type = d.taskTypes;
  if (d.powerLevels.length) conditions.power_level = d.powerLevels;
  if (d.privacy !== "any") conditions.privacy_required = d.privacy === "required";
  const gt = d.tokensGt.trim() === "" ? undefined : Number(d.tokensGt);
  const lt = d.tokensLt.trim() === "" ? undefined : Number(d.tokensLt);
  if (gt !== undefined && (!Number.isInteger(gt) || gt < 0)) return { problem: "“More than” tokens must be a whole number ≥ 0." };
  if (lt !== undefined && (!Number.isInteger(lt) || lt < 1)) return { problem: "“Fewer than” tokens must be a whole number ≥ 1." };
  if (gt !== undefined && lt !== undefined && gt + 1 >= lt) return { problem: "With both token bounds, “more than” must be below “fewer than” − 1, or nothing can match." };
  if (gt !== undefined || lt !== undefined) conditions.prompt_tokens = { ...(gt !== undefined ? { gt } : {}), ...(lt !== undefined ? { lt } : {}) };
  if (d.roles.length) conditions.role = d.roles;
  if (d.apiKeyIds.length) conditions.api_key_id = d.apiKeyIds;
  const actions: RuleBody["actions"] = {};
  if (d.pinModel) actions.pin_model = d.pinModel;
  if (d.exclude.length) actions.exclude_providers = d.exclude;
  if (d.prefer.length) actions.prefer_providers = d.prefer;
  if (d.forceLevel) actions.force_power_level = d.forceLevel;
  if (Object.keys(actions).length === 0) return { problem: "Choose at least one action: pin a model, force a power level, or prefer or exclude providers." };
  const both = d.exclude.filter((p) => d.prefer.includes(p));
  if (both.length) return { problem: `A provider cannot be both preferred and excluded: ${both.join(", ")}.` };
  return { body: { name, description: d.description.trim(), priority, active: d.active, conditions, actions } };
}
