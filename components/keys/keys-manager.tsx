"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { Alert, Badge, Button, Card, Field, Input } from "@/components/ui/primitives";
import type { ApiKeyView } from "@/lib/keys/api-keys";

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
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/api/keys/${id}`, { method: "DELETE" }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["keys"] }),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const expires = String(form.get("expires") ?? "");
    create.mutate({ name: String(form.get("name") ?? ""), ...(expires ? { expires_at: new Date(`${expires}T23:59:59`).toISOString() } : {}) });
    event.currentTarget.reset();
  }

  return (
    <div className="space-y-6">
      <Card title="Create a key">
        <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3">
          <div className="min-w-48 flex-1"><Field label="Name" htmlFor="key-name"><Input id="key-name" name="name" placeholder="e.g. laptop" required maxLength={100} /></Field></div>
          <Field label="Expires (optional)" htmlFor="key-expires"><Input id="key-expires" name="expires" type="date" /></Field>
          <Button type="submit" disabled={create.isPending}>Create key</Button>
        </form>
        {create.error && <div className="mt-3"><Alert>{create.error.message}</Alert></div>}
        {created && (
          <div className="mt-4 space-y-2 rounded-md bg-amber-50 p-3 ring-1 ring-amber-200">
            <p className="text-sm font-medium text-amber-900">Copy this key now: it is shown only once.</p>
            <code data-testid="new-key" className="block break-all rounded bg-white px-2 py-1.5 font-mono text-sm ring-1 ring-amber-200">{created.key}</code>
            <Button variant="secondary" onClick={() => void navigator.clipboard?.writeText(created.key)}>Copy</Button>
          </div>
        )}
      </Card>

      <Card title="Your keys">
        {keys.isPending ? <p className="text-sm text-slate-500">Loading…</p> : keys.error ? <Alert>{keys.error.message}</Alert> : keys.data.data.length === 0 ? (
          <p className="text-sm text-slate-500">No keys yet. Create one to call the gateway from your code.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500"><tr><th className="py-2">Name</th><th>Key</th><th>Created</th><th>Last used</th><th>Expires</th><th>State</th><th /></tr></thead>
              <tbody className="divide-y divide-slate-100">
                {keys.data.data.map((k) => {
                  const state = keyState(k);
                  return (
                    <tr key={k.id}>
                      <td className="py-2 font-medium">{k.name}</td>
                      <td className="font-mono text-xs">{k.prefix}…</td>
                      <td>{new Date(k.created_at).toLocaleDateString()}</td>
                      <td>{k.last_used_at ? new Date(k.last_used_at).toLocaleString() : "never"}</td>
                      <td>{k.expires_at ? new Date(k.expires_at).toLocaleDateString() : "never"}</td>
                      <td><Badge tone={state.tone}>{state.label}</Badge></td>
                      <td className="text-right">{state.label === "active" && <Button variant="danger" onClick={() => revoke.mutate(k.id)} disabled={revoke.isPending}>Revoke</Button>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <Card title="Use it">
        <p className="mb-2 text-sm text-slate-600">Any OpenAI client works; point its base URL at this gateway:</p>
        <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">{`curl ${baseUrl}/api/v1/chat/completions \\
  -H "Authorization: Bearer $SWITCHYARD_KEY" -H "Content-Type: application/json" \\
  -d '{"model":"auto","messages":[{"role":"user","content":"Hello"}]}'`}</pre>
      </Card>
    </div>
  );
}
