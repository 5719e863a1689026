import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { routingRuleBodySchema } from "@/lib/router/rules";
import { createRule, listRuleViews } from "@/lib/router/rules-admin";
import { gateway } from "@/lib/gateway/context";

export const GET = handler({ access: "admin" }, async ({ db }) => ({ data: await listRuleViews(db) }));

export const POST = handler({ access: "admin" }, async ({ req, db }) => {
  const body = await readJson(req, routingRuleBodySchema);
  return Response.json(await createRule(db, body, gateway().catalog), { status: 201 });
});
