import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { chatCompletionSchema } from "@/lib/gateway/chat-request";
import { gateway } from "@/lib/gateway/context";
import { planRoute } from "@/lib/gateway/plan";
import { routeView } from "@/lib/gateway/route-view";

// Routing loads the caller and the catalog like a completion does, so it shares that rate limit.
export const POST = handler({ access: "user", errors: "openai" }, async ({ req, caller }) => {
  await gateway().limits?.admit(caller);
  const body = await readJson(req, chatCompletionSchema, 8 * 1024 * 1024);
  const plan = await planRoute(gateway(), caller, body);
  return routeView(plan.decision, plan.promptTokens, plan.maxOutputTokens);
});
