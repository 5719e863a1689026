"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/components/api-client";
import { Alert, Card } from "@/components/ui/primitives";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CreateKeyForm } from "./create-key-form";
import { EditKeyDialog } from "./edit-key-dialog";
import { KeysTable } from "./keys-table";
import { KEYS_QUERY, type ApiKeyView } from "./key-types";

/** The gateway keys part of the Keys page: create (with fences), list with spend, edit, revoke. */
export function KeysManager({ baseUrl }: { baseUrl: string }) {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: KEYS_QUERY, queryFn: () => api<{ data: ApiKeyView[] }>("/api/keys") });
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<ApiKeyView | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  const revoke = useMutation({
    mutationFn: (key: ApiKeyView) => api(`/api/keys/${key.id}`, { method: "DELETE" }),
    onSuccess: (_, key) => {
      setRevoking(null);
      setNotice(`Key ‘${key.name}’ revoked: requests with it are refused from now on.`);
      void queryClient.invalidateQueries({ queryKey: KEYS_QUERY });
    },
  });

  return (
    <div className="space-y-6">
      <CreateKeyForm />

      <Card title="Your keys">
        <div aria-live="polite">
          {notice && (
            <div className="mb-3">
              <Alert kind="success">
                <span className="wrap-anywhere">{notice}</span>
              </Alert>
            </div>
          )}
        </div>
        {keys.isPending ? (
          <p className="text-sm text-slate-500">Loading…</p>
        ) : keys.error ? (
          <Alert>{keys.error.message}</Alert>
        ) : keys.data.data.length === 0 ? (
          <p className="text-sm text-slate-500">No keys yet. Create one to call the gateway from your code.</p>
        ) : (
          <KeysTable
            keys={keys.data.data}
            busy={revoke.isPending}
            onEdit={(k) => {
              setNotice(null);
              setEditing(k);
            }}
            onRevoke={(k) => {
              revoke.reset();
              setNotice(null);
              setRevoking(k);
            }}
          />
        )}
      </Card>

      {editing && (
        <EditKeyDialog
          keyView={editing}
          onClose={() => setEditing(null)}
          onSaved={(k) => {
            setEditing(null);
            setNotice(`Key ‘${k.name}’ saved: its next request uses the new limits.`);
          }}
        />
      )}

      {revoking && (
        <ConfirmDialog
          title="Revoke key?"
          confirmLabel="Revoke key"
          pending={revoke.isPending}
          error={revoke.error?.message}
          onConfirm={() => revoke.mutate(revoking)}
          onCancel={() => {
            setRevoking(null);
            revoke.reset();
          }}
        >
          <p>
            Revoke <strong className="font-medium text-slate-900">‘{revoking.name}’</strong>{" "}
            <span className="font-mono text-xs">({revoking.prefix}…)</span>?
          </p>
          <p>
            Every program using it is refused from the next request on. This cannot be undone: you would create a new
            key and put it everywhere this one is used.
          </p>
        </ConfirmDialog>
      )}

      <Card title="Use it">
        <p className="mb-2 text-sm text-slate-600">Any OpenAI client works; point its base URL at this gateway:</p>
        <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">{`curl ${baseUrl}/api/v1/chat/completions \\
  -H "Authorization: Bearer $SWITCHYARD_KEY" -H "Content-Type: application/json" \\
  -d '{"model":"auto","messages":[{"role":"user","content":"Hello"}]}'`}</pre>
        <p className="mt-2 text-sm text-slate-600">
          A request outside a key&apos;s limits is refused with the reason:{" "}
          <code className="font-mono text-xs">403 model_not_allowed</code> names the models or power levels the key
          allows, <code className="font-mono text-xs">402 key_budget_exhausted</code> says its monthly limit is spent,
          and <code className="font-mono text-xs">429</code> comes with{" "}
          <code className="font-mono text-xs">Retry-After</code>.
        </p>
      </Card>
    </div>
  );
}
