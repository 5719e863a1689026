"use client";
import { useState } from "react";
import { Alert, Button } from "@/components/ui/primitives";
import { AddProviderForm } from "./add-provider-form";
import { useHealth, useModels, useProviders } from "./catalog-queries";
import { formatAgo } from "./format";
import { Modal } from "@/components/ui/modal";
import { ModelCatalog } from "./model-catalog";
import { ProviderCard } from "./provider-card";

/** /admin/providers: a status card per provider (health polled every 10 s), then the model catalog. */
export function ProvidersAdmin() {
  const providers = useProviders();
  const models = useModels();
  const health = useHealth();
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const healthById = new Map((health.data ?? []).map((h) => [h.provider_id, h]));

  return (
    <div className="space-y-8">
      <section aria-labelledby="providers-heading" className="space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <h2 id="providers-heading" className="text-base font-semibold text-slate-900">Providers{providers.data && ` (${providers.data.length})`}</h2>
            <p className="text-xs text-slate-500">
              Health covers the last 15 minutes of traffic
              {health.dataUpdatedAt > 0 && <> · updated {formatAgo(new Date(health.dataUpdatedAt).toISOString())}</>}
              {health.error && <span className="text-red-700"> · health unavailable: {health.error.message}</span>}
            </p>
          </div>
          <Button onClick={() => { setCreated(null); setAdding(true); }}>Add provider</Button>
        </div>
        {created && <Alert kind="success"><span className="wrap-anywhere">Provider {created} added. Add its models in the catalog below.</span></Alert>}
        {providers.isPending ? <p className="text-sm text-slate-500">Loading providers…</p> : providers.error ? <Alert>{providers.error.message}</Alert> : providers.data.length === 0 ? (
          <p className="text-sm text-slate-500">No providers yet.</p>
        ) : (
          <div className="grid grid-cols-1 items-start gap-4 md:grid-cols-2 xl:grid-cols-3">
            {providers.data.map((p) => <ProviderCard key={p.id} provider={p} health={healthById.get(p.id)} />)}
          </div>
        )}
      </section>

      {models.isPending || providers.isPending ? <p className="text-sm text-slate-500">Loading models…</p> : models.error ? <Alert>{models.error.message}</Alert> : providers.error ? null : (
        <ModelCatalog models={models.data} providers={providers.data} />
      )}

      {adding && (
        <Modal title="Add provider" onClose={() => setAdding(false)}>
          <AddProviderForm onCreated={(p) => { setAdding(false); setCreated(p.name); }} />
        </Modal>
      )}
    </div>
  );
}
