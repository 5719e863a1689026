/**
 * The admin routing-rules API (app/api/admin/routing-rules): list, create, edit, delete. The
 * gateway reads active rules with its cached catalog, so every write drops that cache once it has
 * landed (the caller passes it in, as for the catalog writes in lib/catalog/admin.ts).
 */
import type { Db } from "../db/client.ts";
import { notFound } from "../http/errors.ts";
import type { CatalogCache } from "../catalog/admin.ts";
import type { RoutingRuleBody, RoutingRulePatch, RuleActions, RuleConditions } from "./rules.ts";

type RuleRow = {
  id: string;
  name: string;
  description: string;
  priority: number;
  active: boolean;
  conditions: unknown;
  actions: unknown;
  createdAt: Date;
  updatedAt: Date;
};

/**
 * A rule as the admin API shows it. Conditions and actions are stored as parsed (lists are lists),
 * though a row written by an older version may still hold a single value where a list is expected.
 */
export function ruleView(r: RuleRow) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    priority: r.priority,
    active: r.active,
    conditions: r.conditions as RuleConditions,
    actions: r.actions as RuleActions,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** In the order they apply: lowest priority number first, then oldest. */
export async function listRuleViews(db: Db) {
  return (await db.routingRule.findMany({ orderBy: [{ priority: "asc" }, { createdAt: "asc" }] })).map(ruleView);
}

export async function createRule(db: Db, body: RoutingRuleBody, catalog: CatalogCache) {
  const rule = await db.routingRule.create({
    data: { ...body, conditions: body.conditions as object, actions: body.actions as object },
  });
  catalog.invalidate();
  return ruleView(rule);
}

export async function updateRule(db: Db, id: string, patch: RoutingRulePatch, catalog: CatalogCache) {
  if (!(await db.routingRule.findUnique({ where: { id }, select: { id: true } }))) throw notFound("Rule not found");
  const rule = await db.routingRule.update({
    where: { id },
    data: {
      ...patch,
      conditions: patch.conditions as object | undefined,
      actions: patch.actions as object | undefined,
    },
  });
  catalog.invalidate();
  return ruleView(rule);
}

export async function deleteRule(db: Db, id: string, catalog: CatalogCache) {
  const { count } = await db.routingRule.deleteMany({ where: { id } });
  if (!count) throw notFound("Rule not found");
  catalog.invalidate();
}
