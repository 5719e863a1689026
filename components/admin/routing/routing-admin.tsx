"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/components/api-client";
import { Alert, Button } from "@/components/ui/primitives";
import { useModels, useProviders } from "@/components/admin/providers/catalog-queries";
import { Modal } from "@/components/ui/modal";
import { RouteTester } from "./route-tester";
import { RuleCard } from "./rule-card";
import { draftOf, EMPTY_DRAFT } from "./rule-draft";
import { RuleForm } from "./rule-form";
import type { RoutingRuleBodyInput, RoutingRulePatchInput } from "@/lib/router/rules";
import { RULE_SAVE_KEY, RULES_KEY, type RuleView } from "./rule-types";

/** /admin/routing: rules in the order they apply, a structured editor, and a request tester. */
export function RoutingAdmin() {
  const qc = useQueryClient();
  const rules = useQuery({
    queryKey: RULES_KEY,
    queryFn: async () => (await api<{ data: RuleView[] }>("/api/admin/routing-rules")).data,
  });
  const providers = useProviders();
  const models = useModels();
  const [editing, setEditing] = useState<RuleView | "new" | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: RULES_KEY });
  const create = useMutation({
    mutationKey: RULE_SAVE_KEY,
    mutationFn: (body: RoutingRuleBodyInput) => api<RuleView>("/api/admin/routing-rules", { body }),
    onSuccess: refresh,
  });
  const update = useMutation({
    mutationKey: RULE_SAVE_KEY,
    mutationFn: ({ id, ...body }: RoutingRulePatchInput & { id: string }) =>
      api<RuleView>(`/api/admin/routing-rules/${id}`, { method: "PATCH", body }),
    onSettled: refresh,
  });
  // The switch flips at once; a failed save puts it back.
  const toggle = useMutation({
    mutationKey: RULE_SAVE_KEY,
    mutationFn: ({ id, active }: { id: string; active: boolean }) =>
      api<RuleView>(`/api/admin/routing-rules/${id}`, { method: "PATCH", body: { active } }),
    onMutate: async ({ id, active }) => {
      await qc.cancelQueries({ queryKey: RULES_KEY });
      const previous = qc.getQueryData<RuleView[]>(RULES_KEY);
      qc.setQueryData<RuleView[]>(RULES_KEY, (list) => list?.map((r) => (r.id === id ? { ...r, active } : r)));
      return { previous };
    },
    onError: (_error, _vars, context) => {
      if (context?.previous) qc.setQueryData(RULES_KEY, context.previous);
    },
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationKey: RULE_SAVE_KEY,
    mutationFn: (id: string) => api(`/api/admin/routing-rules/${id}`, { method: "DELETE" }),
    onSettled: refresh,
  });

  const sorted = [...(rules.data ?? [])].sort(
    (a, b) => a.priority - b.priority || a.created_at.localeCompare(b.created_at),
  );
  const openEditor = (target: RuleView | "new") => {
    create.reset();
    update.reset();
    setEditing(target);
  };
  const listError = toggle.error ?? remove.error;

  return (
    <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,26rem)]">
      <section aria-labelledby="rules-heading" className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <h2 id="rules-heading" className="text-base font-semibold text-slate-900">
              Rules{rules.data && ` (${rules.data.length})`}
            </h2>
            <p className="text-xs text-slate-500">
              Every matching active rule applies, lowest priority number first; the first pin and the first force win.
            </p>
          </div>
          <Button onClick={() => openEditor("new")} disabled={!providers.data || !models.data}>
            Add rule
          </Button>
        </div>
        {listError && <Alert>{listError.message}</Alert>}
        {rules.isPending ? (
          <p className="text-sm text-slate-500">Loading rules…</p>
        ) : rules.error ? (
          <Alert>{rules.error.message}</Alert>
        ) : sorted.length === 0 ? (
          <p className="rounded-lg bg-white p-4 text-sm text-slate-500 ring-1 ring-slate-200">
            No rules yet: the router ranks every request by cost, latency and quality alone.
          </p>
        ) : (
          <ol className="space-y-3" aria-label="Routing rules">
            {sorted.map((rule) => (
              <li key={rule.id}>
                <RuleCard
                  rule={rule}
                  busy={
                    (toggle.isPending && toggle.variables?.id === rule.id) ||
                    (remove.isPending && remove.variables === rule.id)
                  }
                  onToggle={(active) => toggle.mutate({ id: rule.id, active })}
                  onEdit={() => openEditor(rule)}
                  onDelete={() => remove.mutate(rule.id)}
                />
              </li>
            ))}
          </ol>
        )}
        {(providers.error ?? models.error) && (
          <Alert>Catalog unavailable: {(providers.error ?? models.error)?.message}</Alert>
        )}
      </section>

      <div className="lg:sticky lg:top-4">
        <RouteTester rules={rules.data ?? []} />
      </div>

      {editing && providers.data && models.data && (
        <Modal title={editing === "new" ? "Add rule" : `Edit “${editing.name}”`} onClose={() => setEditing(null)}>
          <RuleForm
            initial={editing === "new" ? EMPTY_DRAFT : draftOf(editing)}
            providers={providers.data}
            models={models.data}
            pending={create.isPending || update.isPending}
            error={editing === "new" ? create.error : update.error}
            submitLabel={editing === "new" ? "Create rule" : "Save rule"}
            onSubmit={(body) => {
              const close = { onSuccess: () => setEditing(null) };
              if (editing === "new") create.mutate(body, close);
              else update.mutate({ id: editing.id, ...body }, close);
            }}
          />
        </Modal>
      )}
    </div>
  );
}
