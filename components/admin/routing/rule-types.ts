import type { ruleView } from "@/lib/router/rules-admin";

/** GET /api/admin/routing-rules rows. Conditions and actions are stored as parsed (lists are lists). */
export type RuleView = ReturnType<typeof ruleView>;

export const RULES_KEY = ["admin-routing-rules"] as const;
/** Every write to the rules: the tester waits for them, so it never answers from a rule the page no longer shows. */
export const RULE_SAVE_KEY = ["admin-routing-rules", "save"] as const;

/** Stored JSON written by older versions may hold a single value where a list is expected. */
export function asList<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}
