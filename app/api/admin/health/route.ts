import { handler } from "@/lib/http/handler";
import { gateway } from "@/lib/gateway/context";
import { healthSummary } from "@/lib/health/summary";
import { clusterCircuitView } from "@/lib/health/shared-circuits";

export const GET = handler({ access: "admin" }, async ({ db }) => {
  await gateway().healthRecorder?.flush();
  return { data: await healthSummary(db, await clusterCircuitView(gateway().breakers, gateway().circuits)) };
});
