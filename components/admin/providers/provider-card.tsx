"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { api } from "@/components/api-client";
import { Alert, Badge, Button } from "@/components/ui/primitives";
import type { HealthView, ProviderView } from "./catalog-types";
import { useInvalidateCatalog, usePatchProvider } from "./catalog-queries";
import { ConfirmDelete } from "./confirm-delete";
import { HealthFigures, Row } from "./health-figures";
import { ProviderKeyForm } from "./provider-key-form";
import { ProviderSettingsForm } from "./provider-settings-form";
import { SimulationForm } from "./simulation-form";

type Panel = "key" | "settings" | "simulation" | null;

export function keyStatus(p: ProviderView): { text: string; tone: "green" | "amber" | "slate" } {
  if (p.has_api_key) return { text: `platform key ${p.api_key_prefix ?? "…"}`, tone: "green" };
  if (p.requires_key) return { text: "no key: users need BYOK", tone: "amber" };
  return { text: "no key needed", tone: "slate" };
}

/** One provider: what it is, how it is doing, and what an admin can change. */
export function ProviderCard({ provider: p, health }: { provider: ProviderView; health: HealthView | undefined }) {
  const [panel, setPanel] = useState<Panel>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const patch = usePatchProvider(p.id);
  const invalidate = useInvalidateCatalog();
  const remove = useMutation({
    mutationFn: () => api(`/api/admin/providers/${p.id}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
  const key = keyStatus(p);
  const simulated = p.kind === "simulated";

  const open = (next: Panel) => {
    setNotice(null);
    setPanel((current) => (current === next ? null : next));
  };
  const done = (message: string) => {
    setPanel(null);
    setNotice(message);
  };
  const error = patch.error ?? remove.error;

  return (
    <article
      aria-label={p.name}
      className={`flex flex-col rounded-lg shadow-sm ring-1 ring-slate-200 ${p.enabled ? "bg-white" : "bg-slate-50"}`}
    >
      <header className="space-y-1.5 border-b border-slate-100 px-4 py-3">
        <div className="flex items-baseline justify-between gap-3">
          <h3 className="min-w-0 text-sm font-semibold wrap-anywhere text-slate-900">{p.name}</h3>
          <span className="min-w-0 shrink-0 font-mono text-xs break-all text-slate-500">{p.slug}</span>
        </div>
        <div className="flex flex-wrap gap-1">
          <span data-testid="provider-kind">
            {simulated ? <Badge tone="amber">simulated</Badge> : <Badge>{p.kind}</Badge>}
          </span>
          {p.is_local && <Badge tone="indigo">local</Badge>}
          {p.enabled ? <Badge tone="green">enabled</Badge> : <Badge tone="red">disabled</Badge>}
        </div>
      </header>

      <div className="flex-1 space-y-3 px-4 py-3 text-sm">
        <HealthFigures health={health} modelCount={p.model_count} />
        <Link
          href={`/admin/providers/${p.id}`}
          className="inline-block text-xs font-medium text-indigo-700 underline decoration-indigo-200 underline-offset-2 hover:decoration-indigo-500"
        >
          Health history and requests<span className="sr-only"> of {p.name}</span> →
        </Link>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 border-t border-slate-100 pt-3">
          <Row label="Key">
            <span data-testid="key-status">
              <Badge tone={key.tone}>{key.text}</Badge>
            </span>
          </Row>
          <Row label="Region">
            {p.region}
            {p.compliance.length > 0 && <span className="text-slate-500"> · {p.compliance.join(", ")}</span>}
          </Row>
          <Row label="Priority">{p.priority}</Row>
          <Row label="Endpoint">
            <span className="font-mono text-xs break-all text-slate-600">{p.base_url}</span>
          </Row>
        </dl>
      </div>

      <footer className="space-y-3 border-t border-slate-100 px-4 py-3">
        <div className="flex flex-wrap gap-2">
          <Button
            variant={p.enabled ? "secondary" : "primary"}
            disabled={patch.isPending}
            onClick={() => {
              setNotice(null);
              patch.mutate({ enabled: !p.enabled });
            }}
          >
            {p.enabled ? "Disable" : "Enable"}
          </Button>
          {(!simulated || p.has_api_key) && (
            <Button variant="secondary" aria-expanded={panel === "key"} onClick={() => open("key")}>
              {p.has_api_key ? "Replace key" : "Set key"}
            </Button>
          )}
          {p.has_api_key && (
            <ConfirmDelete
              label="Remove key"
              confirmLabel="Yes, remove"
              question="Remove the platform key?"
              pending={patch.isPending}
              onConfirm={() => patch.mutate({ api_key: null }, { onSuccess: () => setNotice("Key removed.") })}
            />
          )}
          <Button variant="secondary" aria-expanded={panel === "settings"} onClick={() => open("settings")}>
            Edit settings
          </Button>
          {simulated && (
            <Button variant="secondary" aria-expanded={panel === "simulation"} onClick={() => open("simulation")}>
              Simulation
            </Button>
          )}
          <span className="ml-auto">
            <ConfirmDelete
              question={`Delete ${p.name} and its ${p.model_count} model${p.model_count === 1 ? "" : "s"}?`}
              pending={remove.isPending}
              onConfirm={() => remove.mutate()}
            />
          </span>
        </div>
        {panel === "key" && <ProviderKeyForm provider={p} onDone={done} onCancel={() => setPanel(null)} />}
        {panel === "settings" && <ProviderSettingsForm provider={p} onDone={done} onCancel={() => setPanel(null)} />}
        {panel === "simulation" && <SimulationForm provider={p} onDone={done} onCancel={() => setPanel(null)} />}
        {notice && <Alert kind="success">{notice}</Alert>}
        {error && <Alert>{error.message}</Alert>}
      </footer>
    </article>
  );
}
