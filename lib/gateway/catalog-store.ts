import { createHash } from "node:crypto";
import type { Db } from "../db/client.ts";
import { prepareCatalog, type PreparedCatalog } from "../router/catalog.ts";
import { routingRuleSchema, type RoutingRule } from "../router/rules.ts";
import type { RouterModel } from "../router/types.ts";
import type { SimulationConfig } from "../providers/types.ts";
import { toMicros } from "../money/units.ts";

export type GatewayProvider = {
  id: string;
  slug: string;
  name: string;
  kind: "OPENAI_COMPATIBLE" | "ANTHROPIC" | "SIMULATED";
  baseUrl: string;
  enabled: boolean;
  requiresKey: boolean;
  platformKeyCiphertext: string | null;
  firstTokenTimeoutMs: number;
  simulation: SimulationConfig | null;
};

export type GatewayCatalog = {
  prepared: PreparedCatalog;
  models: RouterModel[];
  providers: Map<string, GatewayProvider>;
  rules: RoutingRule[];
  /** Model id → creation time in Unix seconds (the `created` of /v1/models). */
  createdAt: Map<string, number>;
  /** Short hash of everything routing reads (models, providers, active rules): receipts name it. */
  version: string;
};

/** Loads the catalog, providers and active rules in one go. */
export async function loadCatalog(db: Db): Promise<GatewayCatalog> {
  const [providerRows, modelRows, ruleRows] = await Promise.all([
    db.provider.findMany(),
    db.llmModel.findMany(),
    db.routingRule.findMany({ where: { active: true } }),
  ]);
  const providers = new Map<string, GatewayProvider>(
    providerRows.map((p) => [
      p.id,
      {
        id: p.id,
        slug: p.slug,
        name: p.name,
        kind: p.kind,
        baseUrl: p.baseUrl,
        enabled: p.enabled,
        requiresKey: p.requiresKey,
        platformKeyCiphertext: p.apiKeyCiphertext,
        firstTokenTimeoutMs: p.firstTokenTimeoutMs,
        simulation: (p.simulation as SimulationConfig | null) ?? null,
      },
    ]),
  );
  const byId = new Map(providerRows.map((p) => [p.id, p]));
  const models: RouterModel[] = modelRows.flatMap((m) => {
    const p = byId.get(m.providerId);
    if (!p) return [];
    return [
      {
        id: m.id,
        upstreamId: m.upstreamId,
        name: m.name,
        powerLevel: m.powerLevel,
        inputPricePer1M: toMicros(m.inputPricePer1M),
        outputPricePer1M: toMicros(m.outputPricePer1M),
        cacheReadPricePer1M: m.cacheReadPricePer1M === null ? null : toMicros(m.cacheReadPricePer1M),
        cacheWritePricePer1M: m.cacheWritePricePer1M === null ? null : toMicros(m.cacheWritePricePer1M),
        latencyMs: m.latencyMs,
        quality: m.quality,
        contextTokens: m.contextTokens,
        capabilities: m.capabilities,
        enabled: m.enabled,
        provider: {
          id: p.id,
          slug: p.slug,
          name: p.name,
          enabled: p.enabled,
          priority: p.priority,
          isLocal: p.isLocal,
          region: p.region,
          requiresKey: p.requiresKey,
          hasPlatformKey: p.apiKeyCiphertext !== null,
        },
      },
    ];
  });
  const rules = ruleRows.flatMap((r) => {
    // A rule stored by an older version that no longer validates is skipped, not fatal to routing.
    const parsed = routingRuleSchema.safeParse({
      id: r.id,
      name: r.name,
      priority: r.priority,
      active: r.active,
      conditions: r.conditions,
      actions: r.actions,
    });
    return parsed.success ? [parsed.data] : [];
  });
  const createdAt = new Map(modelRows.map((m) => [m.id, Math.floor(m.createdAt.getTime() / 1000)]));
  const version = createHash("sha256")
    .update(JSON.stringify([models, rules]))
    .digest("hex")
    .slice(0, 12);
  return { prepared: prepareCatalog(models), models, providers, rules, createdAt, version };
}

/**
 * The catalog changes rarely and is read on every request: keep it for a short time. Admin writes
 * in this process invalidate at once; other processes see them within `ttlMs`.
 */
export class CatalogStore {
  private current: { at: number; value: Promise<GatewayCatalog> } | null = null;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<GatewayCatalog> {
    if (!this.current || this.now() - this.current.at > this.ttlMs) {
      const value = loadCatalog(this.db);
      this.current = { at: this.now(), value };
      value.catch(() => {
        if (this.current?.value === value) this.current = null;
      });
    }
    return this.current.value;
  }

  invalidate(): void {
    this.current = null;
  }
}
