import type { listModelViews, listProviderViews } from "@/lib/catalog/views";
import type { ProviderHealthView } from "@/lib/health/summary";

/** GET /api/admin/providers rows. The platform key never comes back: only has_api_key and its prefix. */
export type ProviderView = Awaited<ReturnType<typeof listProviderViews>>[number];
/** GET /api/admin/models rows (prices in USD per 1M tokens). */
export type ModelView = Awaited<ReturnType<typeof listModelViews>>[number];
export type HealthView = ProviderHealthView;

/** What the simulated adapter uses for a setting that is not stored (lib/providers/simulated.ts). */
export { SIMULATION_DEFAULTS } from "@/lib/providers/simulation-defaults";
