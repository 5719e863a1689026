import type { RoutingRuleBodyInput, RuleActionsInput, RuleConditionsInput } from "@/lib/router/rules";
import { asList, type RuleView } from "./rule-types";

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
  name: "",
  description: "",
  priority: "100",
  active: true,
  taskTypes: [],
  powerLevels: [],
  privacy: "any",
  tokensGt: "",
  tokensLt: "",
  roles: [],
  apiKeyIds: [],
  pinModel: "",
  exclude: [],
  prefer: [],
  forceLevel: "",
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

/**
 * The API body for a draft, as typed: the form checks it with the API's own schema
 * (routingRuleBodySchema), so a blank priority stays null ("Priority is required"), never 0.
 */
export function bodyOf(d: RuleDraft): RoutingRuleBodyInput {
  const name = d.name.trim();
  const priority = d.priority.trim() === "" ? null : Number(d.priority);
  const conditions: RuleConditionsInput = {};
  if (d.taskTypes.length) conditions.task_type = d.taskTypes;
  if (d.powerLevels.length) conditions.power_level = d.powerLevels;
  if (d.privacy !== "any") conditions.privacy_required = d.privacy === "required";
  const gt = d.tokensGt.trim() === "" ? undefined : Number(d.tokensGt);
  const lt = d.tokensLt.trim() === "" ? undefined : Number(d.tokensLt);
  if (gt !== undefined || lt !== undefined)
    conditions.prompt_tokens = { ...(gt !== undefined ? { gt } : {}), ...(lt !== undefined ? { lt } : {}) };
  if (d.roles.length) conditions.role = d.roles;
  if (d.apiKeyIds.length) conditions.api_key_id = d.apiKeyIds;
  const actions: RuleActionsInput = {};
  if (d.pinModel) actions.pin_model = d.pinModel;
  if (d.exclude.length) actions.exclude_providers = d.exclude;
  if (d.prefer.length) actions.prefer_providers = d.prefer;
  if (d.forceLevel) actions.force_power_level = d.forceLevel;
  return {
    name,
    description: d.description.trim(),
    priority: priority as number,
    active: d.active,
    conditions,
    actions,
  };
}
