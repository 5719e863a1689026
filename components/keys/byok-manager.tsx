"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import { api, ApiClientError } from "@/components/api-client";
import { Alert, Badge, Button, Card, Field, Input, Select } from "@/components/ui/primitives";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { addByokSchema } from "@/lib/byok/schemas";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";

type ByokKey = {
  id: string;
  provider: string;
  provider_name: string;
  key_prefix: string;
  created_at: string;
  last_used_at: string | null;
  status: "verified" | "unverified" | "invalid";
  verified_at: string | null;
  invalid_at: string | null;
  invalid_reason: string | null;
};

type ByokProvider = { slug: string; name: string; has_platform_key: boolean };

type AddBody = { provider: string; api_key: string; save_unverified?: boolean };

/** 5 → "5%", 2.5 → "2.5%". */
const percent = (n: number) => `${n.toLocaleString("en-US", { maximumFractionDigits: 2 })}%`;

export function ByokManager() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ["byok"], queryFn: () => api<{ data: ByokKey[] }>("/api/byok") });
  const providers = useQuery({
    queryKey: ["byok-providers"],
    queryFn: () => api<{ data: ByokProvider[]; byok_fee_percent: number }>("/api/byok/providers"),
  });
  // A new key can change which models are usable (and so the catalog and typical costs).
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["byok"] }),
      queryClient.invalidateQueries({ queryKey: ["byok-providers"] }),
      queryClient.invalidateQueries({ queryKey: ["models"] }),
    ]);
  const add = useMutation({ mutationFn: (body: AddBody) => api<ByokKey>("/api/byok", { body }), onSuccess: refresh });
  const [removing, setRemoving] = useState<ByokKey | null>(null);
  const remove = useMutation({
    mutationFn: (key: ByokKey) => api(`/api/byok/${key.id}`, { method: "DELETE" }),
    onSuccess: () => {
      setRemoving(null);
      return refresh();
    },
  });

  const known = providers.data?.data ?? [];
  const fee = providers.data?.byok_fee_percent;
  const [choice, setChoice] = useState("");
  const picked = choice || (known[0]?.slug ?? "");
  const formRef = useRef<HTMLFormElement>(null);

  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  // 424: the provider could not be reached to check the key; the person may keep it unverified.
  const unreachable = add.error instanceof ApiClientError && add.error.status === 424 ? add.error : null;
  const addErrors = formErrors(invalid ?? (unreachable ? null : add.error), ["provider", "api_key"]);
  const resetForm = () => formRef.current?.reset();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = { provider: picked, api_key: String(form.get("api_key") ?? "") };
    const check = validateFields(addByokSchema, body);
    setInvalid(check.ok ? null : check.errors);
    if (!check.ok) return;
    remove.reset();
    add.mutate(body, { onSuccess: resetForm });
  }

  function saveUnverified() {
    if (add.variables) add.mutate({ ...add.variables, save_unverified: true }, { onSuccess: resetForm });
  }

  /** The question about an unchecked key is about what was sent: editing the form drops it. */
  const dropQuestion = () => {
    if (unreachable) add.reset();
  };

  const saved = add.isSuccess ? add.data : null;
  return (
    <Card title="Your provider keys (BYOK)" className="mt-6">
      <p className="mb-4 text-sm text-slate-600">
        Add your own key for a provider: requests routed to that provider then use your key
        {fee === undefined
          ? "."
          : fee > 0
            ? `. Requests served with your own key are charged a fee of ${percent(fee)} of the provider's list cost to your credits.`
            : " and cost no credits."}{" "}
        Each key is checked with the provider before it is saved.
      </p>
      <form ref={formRef} onSubmit={onSubmit} className="flex flex-wrap items-start gap-3" noValidate>
        <Field label="Provider" htmlFor="byok-provider" error={addErrors.of("provider")}>
          <Select
            id="byok-provider"
            value={picked}
            onChange={(e) => {
              setChoice(e.target.value);
              dropQuestion();
            }}
            className="w-44 py-2"
            {...addErrors.aria("provider", "byok-provider")}
          >
            {known.map((p) => (
              <option key={p.slug} value={p.slug}>
                {p.name}
                {p.has_platform_key ? " (platform key too)" : ""}
              </option>
            ))}
          </Select>
        </Field>
        <div className="min-w-56 flex-1">
          <Field label="API key" htmlFor="byok-key" error={addErrors.of("api_key")}>
            <Input
              id="byok-key"
              name="api_key"
              type="password"
              required
              minLength={8}
              autoComplete="off"
              placeholder="sk-…"
              onChange={dropQuestion}
              {...addErrors.aria("api_key", "byok-key")}
            />
          </Field>
        </div>
        <Button type="submit" disabled={add.isPending || !picked} className="mt-6">
          {add.isPending && !add.variables?.save_unverified ? "Checking…" : "Add key"}
        </Button>
      </form>
      <p className="mt-2 text-xs text-slate-500">
        Adding a key for a provider that already has one replaces it. The key is stored encrypted and never shown again.
      </p>
      {addErrors.rest.length > 0 && (
        <div className="mt-3">
          <FormErrorSummary errors={addErrors} />
        </div>
      )}
      {unreachable && (
        <div
          className="mt-3 space-y-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
          role="alert"
        >
          <p>{unreachable.message}</p>
          <p className="text-xs">
            An unverified key is used like any other; if the provider refuses it later, it is marked invalid here.
          </p>
          <div className="flex gap-2">
            <Button type="button" onClick={saveUnverified} disabled={add.isPending}>
              {add.isPending ? "Saving…" : "Save unverified"}
            </Button>
            <Button type="button" variant="ghost" onClick={() => add.reset()} disabled={add.isPending}>
              Cancel
            </Button>
          </div>
        </div>
      )}
      {saved && (
        <div className="mt-3">
          <Alert kind="success">
            {saved.status === "verified"
              ? `Key checked with ${saved.provider_name} and saved.`
              : `Key saved for ${saved.provider_name}, unverified.`}
          </Alert>
        </div>
      )}
      {remove.isSuccess && (
        <div className="mt-3">
          <Alert kind="success">Your key for {remove.variables.provider_name} was deleted.</Alert>
        </div>
      )}

      <div className="mt-5">
        {keys.isPending ? (
          <p className="text-sm text-slate-500">Loading…</p>
        ) : keys.error ? (
          <Alert>{keys.error.message}</Alert>
        ) : keys.data.data.length === 0 ? (
          <p className="text-sm text-slate-500">No provider keys yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Provider keys">
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th className="py-2">Provider</th>
                  <th>Key</th>
                  <th>Status</th>
                  <th>Added</th>
                  <th>Last used</th>
                  <th className="sticky right-0 bg-white pl-2">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {keys.data.data.map((k) => (
                  <tr key={k.id} className="align-top">
                    <td className="py-2 pr-3">
                      <span className="font-medium">{k.provider_name}</span>{" "}
                      <span className="font-mono text-xs text-slate-500">{k.provider}</span>
                    </td>
                    <td className="py-2 pr-3 font-mono text-xs">{k.key_prefix}…</td>
                    <td className="max-w-md min-w-56 py-2 pr-3" data-testid="byok-status">
                      <KeyStatus k={k} />
                    </td>
                    <td className="py-2 pr-3">{new Date(k.created_at).toLocaleDateString()}</td>
                    <td className="py-2 pr-3">
                      {k.last_used_at ? new Date(k.last_used_at).toLocaleString() : "never"}
                    </td>
                    <td className="sticky right-0 bg-white py-2 pr-1 pl-2 text-right shadow-[-6px_0_6px_-6px_rgba(15,23,42,0.25)]">
                      <Button
                        variant="danger"
                        disabled={remove.isPending}
                        aria-label={`Delete key for ${k.provider}`}
                        onClick={() => {
                          remove.reset();
                          add.reset();
                          setRemoving(k);
                        }}
                      >
                        Delete
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {removing && (
        <ConfirmDialog
          title="Delete provider key?"
          confirmLabel="Delete key"
          pending={remove.isPending}
          error={remove.error?.message}
          onConfirm={() => remove.mutate(removing)}
          onCancel={() => {
            setRemoving(null);
            remove.reset();
          }}
        >
          <p>
            Delete your key for <strong className="font-medium text-slate-900">{removing.provider_name}</strong>{" "}
            <span className="font-mono text-xs">({removing.key_prefix}…)</span>?
          </p>
          <p>
            Requests routed to {removing.provider_name} then use the platform&apos;s key and cost credits, or are not
            served there if the platform has no key. The stored key cannot be recovered.
          </p>
        </ConfirmDialog>
      )}
    </Card>
  );
}

/** verified (green), unverified (amber: never checked), invalid (red: refused in use, with when and why). */
function KeyStatus({ k }: { k: ByokKey }) {
  if (k.status === "invalid") {
    return (
      <div className="space-y-1">
        <Badge tone="red">invalid</Badge>
        <p className="text-xs text-red-800">
          {k.provider_name} refused this key{k.invalid_at ? ` on ${new Date(k.invalid_at).toLocaleString()}` : ""}
          {k.invalid_reason ? `: ${k.invalid_reason}` : "."}
        </p>
        <p className="text-xs text-slate-600">
          It is no longer used. Add a new key for {k.provider_name} above to replace it.
        </p>
      </div>
    );
  }
  if (k.status === "unverified") {
    return (
      <div className="space-y-1">
        <Badge tone="amber">unverified</Badge>
        <p className="text-xs text-amber-900">not checked — the provider could not be reached when it was saved</p>
      </div>
    );
  }
  return (
    <span
      title={
        k.verified_at ? `Checked with ${k.provider_name} on ${new Date(k.verified_at).toLocaleString()}` : undefined
      }
    >
      <Badge tone="green">verified</Badge>
    </span>
  );
}
