"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { Alert, Badge, Button, Card, Field, Input } from "@/components/ui/primitives";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { ApiKeyView } from "@/lib/keys/api-keys";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import { createKeySchema } from "@/lib/keys/schemas";

type Created = ApiKeyView & { key: string };

function keyState(k: ApiKeyView): { label: string; tone: "green" | "red" | "slate" } {
  if (k.revoked_at) return { label: "revoked", tone: "red" };
  if (k.expires_at && new Date(k.expires_at) <= new Date()) return { label: "expired", tone: "slate" };
  return { label: "active", tone: "green" };
}

export function KeysManager({ baseUrl }: { baseUrl: string }) {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ["keys"], queryFn: () => api<{ data: ApiKeyView[] }>("/api/keys") });
  const [created, setCreated] = useState<Created | null>(null);
  const create = useMutation({
    mutationFn: (body: { name: string; expires_at?: string }) => api<Created>("/api/keys", { body }),
    onSuccess: (key) => {
      setCreated(key);
      void queryClient.invalidateQueries({ queryKey: ["keys"] });
    },
  });
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const revoke = useMutation({
    mutationFn: (key: ApiKeyView) => api(`/api/keys/${key.id}`, { method: "DELETE" }),
    onSuccess: (_, key) => {
      setRevoking(null);
      setRevoked(`Key ‘${key.name}’ revoked: requests with it are refused from now on.`);
      void queryClient.invalidateQueries({ queryKey: ["keys"] });
    },
  });

  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const createErrors = formErrors(invalid ?? create.error, ["name", "expires_at"]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const expires = String(form.get("expires") ?? "");
    const body = { name: String(form.get("name") ?? ""), ...(expires ? { expires_at: new Date(`${expires}T23:59:59`).toISOString() } : {}) };
    const check = validateFields(createKeySchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (check.ok) create.mutate(body, { onSuccess: () => formEl.reset() });
  }

  return (
    <div className="space-y-6">
      <Card title="Create a key">
        <form onSubmit={onSubmit} className="flex flex-wrap items-start gap-3" noValidate>
          <div className="min-w-48 flex-1">
            <Field label="Name" htmlFor="key-name" error={createErrors.of("name")}>
              <Input id="key-name" name="name" placeholder="e.g. laptop" required maxLength={100} {...createErrors.aria("name", "key-name")} />
            </Field>
          </div>
          <Field label="Expires (optional)" htmlFor="key-expires" error={createErrors.of("expires_at")}>
            <Input id="key-expires" name="expires" type="date" {...createErrors.aria("expires_at", "key-expires")} />
          </Field>
          <Button type="submit" disabled={create.isPending} className="mt-6">Create key</Button>
        </form>
        {createErrors.rest.length > 0 && <div className="mt-3"><FormErrorSummary errors={createErrors} /></div>}
        {created && (
          <div className="mt-4 space-y-2 rounded-md bg-amber-50 p-3 ring-1 ring-amber-200">
            <p className="text-sm font-medium text-amber-900">Copy this key now: it is shown only once.</p>
            <code data-testid="new-key" className="block break-all rounded bg-white px-2 py-1.5 font-mono text-sm ring-1 ring-amber-200">{created.key}</code>
            <Button variant="secondary" onClick={() => void navigator.clipboard?.writeText(created.key)}>Copy</Button>
          </div>
        )}
      </Card>

      <Card title="Your keys">
        <div aria-live="polite">{revoked && <div className="mb-3"><Alert kind="success"><span className="wrap-anywhere">{revoked}</span></Alert></div>}</div>
        {keys.isPending ? <p className="text-sm text-slate-500">Loading…</p> : keys.error ? <Alert>{keys.error.message}</Alert> : keys.data.data.length === 0 ? (
          <p className="text-sm text-slate-500">No keys yet. Create one to call the gateway from your code.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Gateway keys">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2 pr-3">Name</th><th className="pr-3">Key</th><th className="pr-3">Created</th><th className="pr-3">Last used</th><th className="pr-3">Expires</th><th className="pr-3">State</th>
                  <th className="sticky right-0 bg-white pl-2"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {keys.data.data.map((k) => {
                  const state = keyState(k);
                  return (
                    <tr key={k.id}>
                      <td className="py-2 pr-3 font-medium"><span id={`key-${k.id}-name`} className="block max-w-[9rem] truncate sm:max-w-[16rem]" title={k.name}>{k.name}</span></td>
                      <td className="whitespace-nowrap pr-3 font-mono text-xs">{k.prefix}…</td>
                      <td className="whitespace-nowrap pr-3">{new Date(k.created_at).toLocaleDateString()}</td>
                      <td className="whitespace-nowrap pr-3">{k.last_used_at ? new Date(k.last_used_at).toLocaleString() : "never"}</td>
                      <td className="whitespace-nowrap pr-3">{k.expires_at ? new Date(k.expires_at).toLocaleDateString() : "never"}</td>
                      <td className="pr-3"><Badge tone={state.tone}>{state.label}</Badge></td>
                      <td className="sticky right-0 bg-white py-2 pl-2 pr-1 text-right shadow-[-6px_0_6px_-6px_rgba(15,23,42,0.25)]">
                        {state.label === "active" && (
                          <Button variant="danger" aria-describedby={`key-${k.id}-name`} disabled={revoke.isPending} onClick={() => { revoke.reset(); setRevoked(null); setRevoking(k); }}>Revoke</Button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {revoking && (
        <ConfirmDialog title="Revoke key?" confirmLabel="Revoke key" pending={revoke.isPending} error={revoke.error?.message}
          onConfirm={() => revoke.mutate(revoking)} onCancel={() => { setRevoking(null); revoke.reset(); }}>
          <p>Revoke <strong className="font-medium text-slate-900">‘{revoking.name}’</strong> <span className="font-mono text-xs">({revoking.prefix}…)</span>?</p>
          <p>Every program using it is refused from the next request on. This cannot be undone: you would create a new key and put it everywhere this one is used.</p>
        </ConfirmDialog>
      )}

      <Card title="Use it">
        <p className="mb-2 text-sm text-slate-600">Any OpenAI client works; point its base URL at this gateway:</p>
        <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">{`curl ${baseUrl}/api/v1/chat/completions \\
  -H "Authorization: Bearer $SWITCHYARD_KEY" -H "Content-Type: application/json" \\
  -d '{"model":"auto","messages":[{"role":"user","content":"Hello"}]}'`}</pre>
      </Card>
    </div>
  );
}
