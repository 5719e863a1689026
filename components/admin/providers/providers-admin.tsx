"use client";
import { useState } from "react";
import { Alert, Button } from "@/components/ui/primitives";
import { AddProviderForm } from "./add-provider-form";
import { useHealth, useModels, useProviders } from "./catalog-queries";
import { formatAgo } from "./format";
import { HealthLegend } from "./health-badge";
import { bySeverity } from "@/lib/health/state";
import { Modal } from "@/components/ui/modal";
import { ModelCatalog } from "./model-catalog";
import { ProviderCard } from "./provider-card";

/**
 * /admin/providers: a status card per provider, worst first (polled every few seconds, so a
 * provider that goes down moves to the top without a reload), then the model catalog.
 */
export function ProvidersAdmin() {
  const providers = useProviders();
  const models = useModels();
  const health = useHealth();
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const healthById = new Map((health.data ?? []).map((h) => [h.provider_id, h]));
  const ordered = providers.data ? bySeverity(providers.data, (p) => healthById.get(p.id)?.state) : [];

  return (
    <div className="space-y-8">
      <section aria-labelledby="providers-heading" className="space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <h2 id="providers-heading" className="text-base font-semibold text-slate-900">
              Providers{providers.data && ` (${providers.data.length})`}
            </h2>
            <p className="text-xs text-slate-500">
              Success and latency cover the last 15 minutes of calls from every app process; bars the last 24 hours
              {health.dataUpdatedAt > 0 && <> · updated {formatAgo(new Date(health.dataUpdatedAt).toISOString())}</>}
              {health.error && <span className="text-red-700"> · health unavailable: {health.error.message}</span>}
            </p>
          </div>
          <Button
            onClick={() => {
              setCreated(null);
              setAdding(true);
            }}
          >
            Add provider
          </Button>
        </div>
        <HealthLegend />
        {created && (
          <Alert kind="success">
            <span className="wrap-anywhere">Provider {created} added. Add its models in the catalog below.</span>
          </Alert>
        )}
        {providers.isPending ? (
          <p className="text-sm text-slate-500">Loading providers…</p>
        ) : providers.error ? (
          <Alert>{providers.error.message}</Alert>
        ) : providers.data.length === 0 ? (
          <p className="text-sm text-slate-500">No providers yet.</p>
        ) : (
          <div className="grid grid-cols-1 items-start gap-4 md:grid-cols-2 xl:grid-cols-3">
            {ordered.map((p) => (
              <ProviderCard key={p.id} provider={p} health={healthById.get(p.id)} />
            ))}
          </div>
        )}
      </section>

      {models.isPending || providers.isPending ? (
        <p className="text-sm text-slate-500">Loading models…</p>
      ) : models.error ? (
        <Alert>{models.error.message}</Alert>
      ) : providers.error ? null : (
        <ModelCatalog models={models.data} providers={providers.data} />
      )}

      {adding && (
        <Modal title="Add provider" onClose={() => setAdding(false)}>
          <AddProviderForm
            onCreated={(p) => {
              setAdding(false);
              setCreated(p.name);
            }}
          />
        </Modal>
      )}
    </div>
  );
}
