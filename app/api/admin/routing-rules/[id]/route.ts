import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { routingRulePatchSchema } from "@/lib/router/rules";
import { deleteRule, updateRule } from "@/lib/router/rules-admin";
import { gateway } from "@/lib/gateway/context";

export const PATCH = handler<{ id: string }>({ access: "admin" }, async ({ req, db, params }) => {
  const body = await readJson(req, routingRulePatchSchema);
  return updateRule(db, params.id, body, gateway().catalog);
});

export const DELETE = handler<{ id: string }>({ access: "admin" }, async ({ db, params }) => {
  await deleteRule(db, params.id, gateway().catalog);
  return null;
});
