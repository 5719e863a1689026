import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { routingRuleBodySchema } from "@/lib/router/rules";
import { ruleView } from "@/lib/catalog/admin";
import { gateway } from "@/lib/gateway/context";

export const GET = handler({ access: "admin" }, async ({ db }) => ({
  data: (await db.routingRule.findMany({ orderBy: [{ priority: "asc" }, { createdAt: "asc" }] })).map(ruleView),
}));

export const POST = handler({ access: "admin" }, async ({ req, db }) => {
  const body = await readJson(req, routingRuleBodySchema);
  const rule = await db.routingRule.create({ data: { ...body, conditions: body.conditions as object, actions: body.actions as object } });
  gateway().catalog.invalidate();
  return Response.json(ruleView(rule), { status: 201 });
});
