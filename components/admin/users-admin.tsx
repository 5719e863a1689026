"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { Alert, Badge, Button, Card, Field, Input, Select } from "@/components/ui/primitives";
import { GrantCredits } from "@/components/credits/grant-credits";
import type { UserView } from "@/lib/users/views";

const ROLES = ["USER", "ADMIN", "FINANCE"] as const;

export function UsersAdmin({ selfId }: { selfId: string }) {
  const qc = useQueryClient();
  const [creditsFor, setCreditsFor] = useState<string | null>(null);
  const users = useQuery({ queryKey: ["admin-users"], queryFn: () => api<{ data: (UserView & { owed_usd: number })[] }>("/api/admin/users") });
  const settings = useQuery({ queryKey: ["admin-settings"], queryFn: () => api<{ signup_enabled: boolean }>("/api/admin/settings") });
  const refresh = () => void qc.invalidateQueries({ queryKey: ["admin-users"] });
  const patch = useMutation({ mutationFn: ({ id, ...body }: { id: string; role?: string; disabled?: boolean }) => api(`/api/admin/users/${id}`, { method: "PATCH", body }), onSettled: refresh });
  const create = useMutation({ mutationFn: (body: { email: string; password: string; role: string }) => api("/api/admin/users", { body }), onSuccess: refresh });
  const toggleSignup = useMutation({
    mutationFn: (enabled: boolean) => api("/api/admin/settings", { method: "PATCH", body: { signup_enabled: enabled } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin-settings"] }),
  });

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    create.mutate({ email: String(form.get("email")), password: String(form.get("password")), role: String(form.get("role")) }, { onSuccess: () => formEl.reset() });
  }

  const error = patch.error ?? create.error ?? toggleSignup.error;
  return (
    <div className="space-y-6">
      {error && <Alert>{error.message}</Alert>}
      <Card title="Sign-up">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={settings.data?.signup_enabled ?? false} disabled={!settings.data || toggleSignup.isPending}
            onChange={(e) => toggleSignup.mutate(e.target.checked)} />
          Anyone can create an end-user account on the sign-up page
        </label>
      </Card>
      <Card title="Add a user">
        <form onSubmit={onCreate} className="flex flex-wrap items-end gap-3">
          <div className="min-w-48 flex-1"><Field label="Email" htmlFor="new-email"><Input id="new-email" name="email" type="email" required /></Field></div>
          <Field label="Password" htmlFor="new-password"><Input id="new-password" name="password" type="password" required minLength={8} /></Field>
          <Field label="Role" htmlFor="new-role"><Select id="new-role" name="role" defaultValue="USER">{ROLES.map((r) => <option key={r}>{r}</option>)}</Select></Field>
          <Button type="submit" disabled={create.isPending}>Add user</Button>
        </form>
      </Card>
      <Card title="Users">
        {users.isPending ? <p className="text-sm text-slate-500">Loading…</p> : users.error ? <Alert>{users.error.message}</Alert> : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500"><tr><th className="py-2">Email</th><th>Role</th><th>Status</th><th>Joined</th><th /></tr></thead>
              <tbody className="divide-y divide-slate-100">
                {users.data.data.map((u) => (
                  <Fragment key={u.id}>
                    <tr>
                      <td className="py-2 font-medium">{u.email}{u.id === selfId && <span className="ml-2 text-xs text-slate-400">(you)</span>}</td>
                      <td>
                        <Select aria-label={`Role of ${u.email}`} value={u.role} disabled={patch.isPending} onChange={(e) => patch.mutate({ id: u.id, role: e.target.value })}>
                          {ROLES.map((r) => <option key={r}>{r}</option>)}
                        </Select>
                      </td>
                      <td>
                        {u.disabled ? <Badge tone="red">disabled</Badge> : <Badge tone="green">active</Badge>}
                        {u.owed_usd > 0 && <span className="ml-1" title="A request cost more than was held; paid models are blocked until credits cover it"><Badge tone="red">owes ${u.owed_usd}</Badge></span>}
                      </td>
                      <td>{new Date(u.created_at).toLocaleDateString()}</td>
                      <td className="whitespace-nowrap text-right">
                        <Button variant="secondary" className="mr-2" aria-expanded={creditsFor === u.id}
                          onClick={() => setCreditsFor(creditsFor === u.id ? null : u.id)}>
                          Credits
                        </Button>
                        <Button variant={u.disabled ? "secondary" : "danger"} disabled={patch.isPending} onClick={() => patch.mutate({ id: u.id, disabled: !u.disabled })}>
                          {u.disabled ? "Enable" : "Disable"}
                        </Button>
                      </td>
                    </tr>
                    {creditsFor === u.id && (
                      <tr><td colSpan={5} className="pb-3"><GrantCredits userId={u.id} email={u.email} onClose={() => setCreditsFor(null)} /></td></tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
