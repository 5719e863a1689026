import type { RuleActions, RuleConditions } from "@/lib/router/rules";

/** GET /api/admin/routing-rules rows. Conditions and actions are stored as parsed (lists are lists). */
export type RuleView = {
  id: string;
  name: string;
  description: string;
  priority: number;
  active: boolean;
  conditions: RuleConditions;
  actions: RuleActions;
  created_at: string;
  updated_at: string;
};

export type RuleBody = {
  name: string;
  description: string;
  priority: number;
  active: boolean;
  conditions: Partial<{
    task_type: string[];
    power_level: string[];
    privacy_required: boolean;
    prompt_tokens: { gt?: number; lt?: number };
    role: string[];
    api_key_id: string[];
  }>;
  actions: Partial<{
    pin_model: string;
    exclude_providers: string[];
    prefer_providers: string[];
    force_power_level: string;
  }>;
};

/** POST /api/v1/route's answer (the parts the tester shows). */
export type RouteCandidateView = {
  model: string;
  provider: string;
  power_level: string;
  estimated_cost_usd: number;
  byok?: boolean;
  scores: { composite: number; cost: number; latency: number; quality: number };
};

export type RouteResultView = {
  primary: RouteCandidateView;
  fallbacks: RouteCandidateView[];
  excluded: { model: string; reason: string }[];
  reason: string;
  applied_rules?: string[];
  task_type?: string;
  task_type_inferred?: boolean;
  power_level?: string;
  requested_power_level?: string;
  estimated_prompt_tokens?: number;
};

export const TASK_TYPE_OPTIONS = ["chat", "code", "rag", "creative", "reasoning", "analysis"] as const;
export const POWER_LEVELS = ["ECO", "BALANCED", "PRECISION"] as const;
export const ROLE_OPTIONS = ["USER", "ADMIN", "FINANCE"] as const;

export const RULES_KEY = ["admin-routing-rules"] as const;
/** Every write to the rules: the tester waits for them, so it never answers from a rule the page no longer shows. */
export const RULE_SAVE_KEY = ["admin-routing-rules", "save"] as const;

/** Stored JSON written by older versions may hold a single value where a list is expected. */
export function asList<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}
