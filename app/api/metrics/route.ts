import { handler } from "@/lib/http/handler";
import { gateway } from "@/lib/gateway/context";
import { db } from "@/lib/db/client";
import { metricsText } from "@/lib/metrics/collect";
import { hasMetricsToken } from "@/lib/metrics/token";
import { clusterCircuitView } from "@/lib/health/shared-circuits";

export const dynamic = "force-dynamic";

async function scrape(): Promise<Response> {
  const { contentType, body } = await metricsText(
    db(),
    await clusterCircuitView(gateway().breakers, gateway().circuits),
  );
  return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
}

const asAdmin = handler({ access: "admin" }, () => scrape());

/** Prometheus text: `Bearer $SWITCHYARD_METRICS_TOKEN`, or an admin (key or session). */
export const GET = (req: Request, rc: { params?: Promise<Record<string, string | string[]>> }) =>
  hasMetricsToken(req.headers) ? scrape() : asAdmin(req, rc);
