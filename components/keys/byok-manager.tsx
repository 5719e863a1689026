"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { Alert, Button, Card, Field, Input, Select } from "@/components/ui/primitives";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { addByokSchema } from "@/lib/byok/schemas";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";

type ByokKey = { id: string; provider: string; provider_name: string; key_prefix: string; created_at: string; last_used_at: string | null };

type ByokProvider = { slug: string; name: string; has_platform_key: boolean };

export function ByokManager() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ["byok"], queryFn: () => api<{ data: ByokKey[] }>("/api/byok") });
  const providers = useQuery({ queryKey: ["byok-providers"], queryFn: () => api<{ data: ByokProvider[] }>("/api/byok/providers") });
  // A new key can change which models are usable (and so the catalog and typical costs).
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: ["byok"] }), queryClient.invalidateQueries({ queryKey: ["models"] })]);
  const add = useMutation({ mutationFn: (body: { provider: string; api_key: string }) => api<ByokKey>("/api/byok", { body }), onSuccess: refresh });
  const [removing, setRemoving] = useState<ByokKey | null>(null);
  const remove = useMutation({
    mutationFn: (key: ByokKey) => api(`/api/byok/${key.id}`, { method: "DELETE" }),
    onSuccess: () => {
      setRemoving(null);
      return refresh();
    },
  });

  const known = providers.data?.data ?? [];
  const [choice, setChoice] = useState("");
  const picked = choice || (known[0]?.slug ?? "");

  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  const addErrors = formErrors(invalid ?? add.error, ["provider", "api_key"]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const formEl = event.currentTarget;
    const body = { provider: picked, api_key: String(form.get("api_key") ?? "") };
    const check = validateFields(addByokSchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (!check.ok) return;
    remove.reset();
    add.mutate(body, { onSuccess: () => formEl.reset() });
  }

  return (
    <Card title="Your provider keys (BYOK)" className="mt-6">
      <p className="mb-4 text-sm text-slate-600">Add your own key for a provider: requests routed to that provider then use your key and cost no credits.</p>
      <form onSubmit={onSubmit} className="flex flex-wrap items-start gap-3" noValidate>
        <Field label="Provider" htmlFor="byok-provider" error={addErrors.of("provider")}>
          <Select id="byok-provider" value={picked} onChange={(e) => setChoice(e.target.value)} className="w-44 py-2" {...addErrors.aria("provider", "byok-provider")}>
            {known.map((p) => <option key={p.slug} value={p.slug}>{p.name}{p.has_platform_key ? " (platform key too)" : ""}</option>)}
          </Select>
        </Field>
        <div className="min-w-56 flex-1">
          <Field label="API key" htmlFor="byok-key" error={addErrors.of("api_key")}>
            <Input id="byok-key" name="api_key" type="password" required minLength={8} autoComplete="off" placeholder="sk-…" {...addErrors.aria("api_key", "byok-key")} />
          </Field>
        </div>
        <Button type="submit" disabled={add.isPending || !picked} className="mt-6">{add.isPending ? "Saving…" : "Add key"}</Button>
      </form>
      <p className="mt-2 text-xs text-slate-500">Adding a key for a provider that already has one replaces it. The key is stored encrypted and never shown again.</p>
      {addErrors.rest.length > 0 && <div className="mt-3"><FormErrorSummary errors={addErrors} /></div>}
      {add.isSuccess && <div className="mt-3"><Alert kind="success">Key saved for {add.data.provider_name ?? add.data.provider}.</Alert></div>}
      {remove.isSuccess && <div className="mt-3"><Alert kind="success">Your key for {remove.variables.provider_name} was deleted.</Alert></div>}

      <div className="mt-5">
        {keys.isPending ? <p className="text-sm text-slate-500">Loading…</p> : keys.error ? <Alert>{keys.error.message}</Alert> : keys.data.data.length === 0 ? (
          <p className="text-sm text-slate-500">No provider keys yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Provider keys">
              <thead className="text-xs uppercase text-slate-500"><tr><th className="py-2">Provider</th><th>Key</th><th>Added</th><th>Last used</th><th className="sticky right-0 bg-white pl-2"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody className="divide-y divide-slate-100">
                {keys.data.data.map((k) => (
                  <tr key={k.id}>
                    <td className="py-2 pr-3"><span className="font-medium">{k.provider_name}</span> <span className="font-mono text-xs text-slate-500">{k.provider}</span></td>
                    <td className="pr-3 font-mono text-xs">{k.key_prefix}…</td>
                    <td className="pr-3">{new Date(k.created_at).toLocaleDateString()}</td>
                    <td className="pr-3">{k.last_used_at ? new Date(k.last_used_at).toLocaleString() : "never"}</td>
                    <td className="sticky right-0 bg-white py-2 pl-2 pr-1 text-right shadow-[-6px_0_6px_-6px_rgba(15,23,42,0.25)]">
                      <Button variant="danger" disabled={remove.isPending} aria-label={`Delete key for ${k.provider}`} onClick={() => { remove.reset(); add.reset(); setRemoving(k); }}>Delete</Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {removing && (
        <ConfirmDialog title="Delete provider key?" confirmLabel="Delete key" pending={remove.isPending} error={remove.error?.message}
          onConfirm={() => remove.mutate(removing)} onCancel={() => { setRemoving(null); remove.reset(); }}>
          <p>Delete your key for <strong className="font-medium text-slate-900">{removing.provider_name}</strong> <span className="font-mono text-xs">({removing.key_prefix}…)</span>?</p>
          <p>Requests routed to {removing.provider_name} then use the platform&apos;s key and cost credits, or are not served there if the platform has no key. The stored key cannot be recovered.</p>
        </ConfirmDialog>
      )}
    </Card>
  );
}
