import { handler } from "@/lib/http/handler";
import { gateway } from "@/lib/gateway/context";
import { providerHealthDetail } from "@/lib/health/provider-detail";
import { clusterCircuitView } from "@/lib/health/shared-circuits";

export const GET = handler<{ id: string }>({ access: "admin" }, async ({ db, params }) => {
  await gateway().healthRecorder?.flush();
  return providerHealthDetail(db, await clusterCircuitView(gateway().breakers, gateway().circuits), params);
});
