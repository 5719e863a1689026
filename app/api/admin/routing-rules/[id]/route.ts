import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { notFound } from "@/lib/http/errors";
import { ruleView } from "@/lib/catalog/admin";
import { routingRulePatchSchema } from "@/lib/router/rules";
import { gateway } from "@/lib/gateway/context";

export const PATCH = handler<{ id: string }>({ access: "admin" }, async ({ req, db, params }) => {
  const body = await readJson(req, routingRulePatchSchema);
  if (!(await db.routingRule.findUnique({ where: { id: params.id }, select: { id: true } }))) throw notFound("Rule not found");
  const rule = await db.routingRule.update({ where: { id: params.id }, data: { ...body, conditions: body.conditions as object | undefined, actions: body.actions as object | undefined } });
  gateway().catalog.invalidate();
  return ruleView(rule);
});

export const DELETE = handler<{ id: string }>({ access: "admin" }, async ({ db, params }) => {
  const { count } = await db.routingRule.deleteMany({ where: { id: params.id } });
  if (!count) throw notFound("Rule not found");
  gateway().catalog.invalidate();
  return null;
});
