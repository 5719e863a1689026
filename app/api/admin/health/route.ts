import { handler } from "@/lib/http/handler";
import { gateway } from "@/lib/gateway/context";
import { healthSummary } from "@/lib/health/summary";

export const GET = handler({ access: "admin" }, async ({ db }) => {
  await gateway().healthRecorder?.flush();
  return { data: await healthSummary(db, gateway().breakers) };
});
