/**
 * Admin routing rules: structured conditions (all optional, ANDed; a list means "any of") and
 * actions. The JSON is snake_case like the rest of the API; the admin API validates POST bodies
 * with `routingRuleBodySchema` and the gateway parses stored rows with `routingRuleSchema`.
 * Nothing here evaluates strings as code or builds patterns from user input.
 */
import { z } from "zod";
import { POWER_LEVELS, ROLES, TASK_TYPES } from "./types.ts";
import type { PowerLevel, Role, TaskType } from "./types.ts";

const upper = (v: unknown) => (typeof v === "string" ? v.trim().toUpperCase() : v);
const lower = (v: unknown) => (typeof v === "string" ? v.trim().toLowerCase() : v);

export const powerLevelSchema = z.preprocess(upper, z.enum(POWER_LEVELS));
export const taskTypeSchema = z.preprocess(lower, z.enum(TASK_TYPES));
/** A role spelled exactly as stored (the users API refuses "admin"); rule conditions upper-case it first. */
export const roleSchema = z.enum(ROLES);

/** One value or a non-empty list of them; always a list after parsing. */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1).max(100)]).transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]));
}

const idString = z.string().trim().min(1).max(300);

export const ruleConditionsSchema = z
  .strictObject({
    task_type: oneOrMany(taskTypeSchema).meta({ label: "Task type" }).optional(),
    power_level: oneOrMany(powerLevelSchema).meta({ label: "Requested power level" }).optional(),
    privacy_required: z.boolean().meta({ label: "Privacy" }).optional(),
    prompt_tokens: z
      .strictObject({
        gt: z.number().int().nonnegative().meta({ label: "“Prompt more than”" }).optional(),
        lt: z.number().int().positive().meta({ label: "“Prompt fewer than”" }).optional(),
      })
      .refine((t) => t.gt !== undefined || t.lt !== undefined, {
        message: "Give “Prompt more than”, “Prompt fewer than” or both",
      })
      .refine((t) => t.gt === undefined || t.lt === undefined || t.gt + 1 < t.lt, {
        message:
          "With both token bounds, “Prompt more than” must be below “Prompt fewer than” − 1, or nothing can match",
        path: ["gt"],
      })
      .meta({ label: "Prompt tokens" })
      .optional(),
    role: oneOrMany(z.preprocess(upper, roleSchema)).meta({ label: "Caller role" }).optional(),
    api_key_id: oneOrMany(idString).meta({ label: "API key" }).optional(),
  })
  .meta({ label: "Conditions" });

export const ruleActionsSchema = z
  .strictObject({
    /** A model's public id `<provider_slug>/<upstream_id>` or its catalog id. */
    pin_model: idString.meta({ label: "Pin model" }).optional(),
    /** Provider slugs (or ids). */
    exclude_providers: oneOrMany(idString).meta({ label: "Exclude providers" }).optional(),
    prefer_providers: oneOrMany(idString).meta({ label: "Prefer providers" }).optional(),
    force_power_level: powerLevelSchema.meta({ label: "Force power level" }).optional(),
  })
  .refine(
    (a) =>
      a.pin_model !== undefined ||
      a.exclude_providers !== undefined ||
      a.prefer_providers !== undefined ||
      a.force_power_level !== undefined,
    { message: "Choose at least one action: pin a model, force a power level, or prefer or exclude providers" },
  )
  .meta({ label: "Actions" });

const ruleFields = {
  name: z.string().trim().min(1).max(100).meta({ label: "Rule name" }),
  description: z.string().max(1000).meta({ label: "Description" }),
  /** Lower numbers apply first. */
  priority: z.number().int().min(-1_000_000).max(1_000_000).meta({ label: "Priority" }),
  active: z.boolean().meta({ label: "Active" }),
  /** Missing or {} matches every request. */
  conditions: ruleConditionsSchema,
  actions: ruleActionsSchema,
};

/**
 * Preferring and excluding the same provider contradicts itself (the exclusion would win). Only
 * bodies are refused for it: stored rules keep parsing as they always did.
 */
function noProviderBothWays(
  body: { actions?: { exclude_providers?: string[]; prefer_providers?: string[] } },
  ctx: z.RefinementCtx,
) {
  // Runs even when the fields themselves failed to parse, so they may still be anything.
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const excluded = list(body.actions?.exclude_providers);
  const both = list(body.actions?.prefer_providers).filter((p) => excluded.includes(p));
  if (both.length)
    ctx.addIssue({
      code: "custom",
      path: ["actions", "prefer_providers"],
      message: `A provider cannot be both preferred and excluded: ${both.join(", ")}`,
    });
}

/** POST /api/admin/routing-rules body. */
export const routingRuleBodySchema = z
  .strictObject({
    ...ruleFields,
    description: ruleFields.description.default(""),
    priority: ruleFields.priority.default(100),
    active: ruleFields.active.default(true),
    conditions: ruleFields.conditions.default({}),
  })
  .superRefine(noProviderBothWays);

/** PATCH /api/admin/routing-rules/:id body: any of the fields, no defaults filled in. */
export const routingRulePatchSchema = z
  .strictObject(ruleFields)
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: "Nothing to change: give at least one field" })
  .superRefine(noProviderBothWays);

/** A stored rule as the router takes it (extra row columns such as timestamps are ignored). */
export const routingRuleSchema = z.object({
  id: z.string().min(1),
  name: z.string().default(""),
  priority: z.number().int(),
  active: z.boolean(),
  conditions: ruleConditionsSchema.default({}),
  actions: ruleActionsSchema,
});

export type RuleConditionsInput = z.input<typeof ruleConditionsSchema>;
export type RuleConditions = z.output<typeof ruleConditionsSchema>;
export type RuleActionsInput = z.input<typeof ruleActionsSchema>;
export type RuleActions = z.output<typeof ruleActionsSchema>;
export type RoutingRuleBodyInput = z.input<typeof routingRuleBodySchema>;
export type RoutingRuleBody = z.output<typeof routingRuleBodySchema>;
export type RoutingRulePatchInput = z.input<typeof routingRulePatchSchema>;
export type RoutingRulePatch = z.output<typeof routingRulePatchSchema>;
export type RoutingRuleInput = z.input<typeof routingRuleSchema>;
export type RoutingRule = z.output<typeof routingRuleSchema>;

/** What a rule's conditions are tested against. */
export interface RuleContext {
  taskType: TaskType;
  /** The requested level (alias / power_level / preference), before any force. */
  powerLevel: PowerLevel;
  privacyRequired: boolean;
  promptTokens: number;
  role: Role;
  apiKeyId: string | null;
}

export interface RuleRef {
  id: string;
  name: string;
}

export interface RuleEffects {
  /** Matching active rules, in the order they applied. */
  appliedRuleIds: string[];
  /** The first matching rule's pin wins. */
  pinModel: (RuleRef & { model: string }) | null;
  /** The first matching rule's force wins. */
  forcePowerLevel: (RuleRef & { level: PowerLevel }) | null;
  /** Provider slug or id → the first rule that excluded it. */
  excludeProviders: ReadonlyMap<string, RuleRef>;
  /** Provider slug or id → the first rule that preferred it. */
  preferProviders: ReadonlyMap<string, RuleRef>;
}

export function ruleMatches(c: RuleConditions, ctx: RuleContext): boolean {
  if (c.task_type && !c.task_type.includes(ctx.taskType)) return false;
  if (c.power_level && !c.power_level.includes(ctx.powerLevel)) return false;
  if (c.privacy_required !== undefined && c.privacy_required !== ctx.privacyRequired) return false;
  if (c.prompt_tokens) {
    if (c.prompt_tokens.gt !== undefined && !(ctx.promptTokens > c.prompt_tokens.gt)) return false;
    if (c.prompt_tokens.lt !== undefined && !(ctx.promptTokens < c.prompt_tokens.lt)) return false;
  }
  if (c.role && !c.role.includes(ctx.role)) return false;
  if (c.api_key_id && (ctx.apiKeyId === null || !c.api_key_id.includes(ctx.apiKeyId))) return false;
  return true;
}

const NO_PROVIDERS: ReadonlyMap<string, RuleRef> = new Map();

/** Applies active rules in ascending priority (then id) order and collects their actions. */
export function applyRules(rules: readonly RoutingRule[] | undefined, ctx: RuleContext): RuleEffects {
  const effects: RuleEffects = {
    appliedRuleIds: [],
    pinModel: null,
    forcePowerLevel: null,
    excludeProviders: NO_PROVIDERS,
    preferProviders: NO_PROVIDERS,
  };
  if (!rules || rules.length === 0) return effects;
  // Matching rules in order; insertion sort, as there are only ever a few.
  const matched: RoutingRule[] = [];
  for (const rule of rules) {
    if (!rule.active || !ruleMatches(rule.conditions, ctx)) continue;
    let at = matched.length;
    matched.push(rule);
    while (at > 0 && compareRules(matched[at - 1]!, rule) > 0) {
      matched[at] = matched[at - 1]!;
      at--;
    }
    matched[at] = rule;
  }
  let exclude: Map<string, RuleRef> | null = null;
  let prefer: Map<string, RuleRef> | null = null;
  for (const rule of matched) {
    const ref: RuleRef = { id: rule.id, name: rule.name || rule.id };
    const a = rule.actions;
    effects.appliedRuleIds.push(rule.id);
    if (a.pin_model !== undefined && effects.pinModel === null) effects.pinModel = { ...ref, model: a.pin_model };
    if (a.force_power_level !== undefined && effects.forcePowerLevel === null)
      effects.forcePowerLevel = { ...ref, level: a.force_power_level };
    if (a.exclude_providers)
      for (const p of a.exclude_providers) if (!(exclude ??= new Map()).has(p)) exclude.set(p, ref);
    if (a.prefer_providers) for (const p of a.prefer_providers) if (!(prefer ??= new Map()).has(p)) prefer.set(p, ref);
  }
  if (exclude) effects.excludeProviders = exclude;
  if (prefer) effects.preferProviders = prefer;
  return effects;
}

function compareRules(a: RoutingRule, b: RoutingRule): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
