"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { Alert, Card } from "@/components/ui/primitives";
import { UsersTable } from "./users-table";
import { AddUserForm } from "./add-user-form";
import { ByokFeeForm } from "./byok-fee-form";

export function UsersAdmin({ selfId }: { selfId: string }) {
  const qc = useQueryClient();
  const settings = useQuery({
    queryKey: ["admin-settings"],
    queryFn: () => api<{ signup_enabled: boolean; byok_fee_percent: number }>("/api/admin/settings"),
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ["admin-users"] });
  const toggleSignup = useMutation({
    mutationFn: (enabled: boolean) =>
      api("/api/admin/settings", { method: "PATCH", body: { signup_enabled: enabled } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin-settings"] }),
  });

  const error = toggleSignup.error;
  return (
    <div className="space-y-6">
      {error && <Alert>{error.message}</Alert>}
      <Card title="Sign-up">
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={settings.data?.signup_enabled ?? false}
            disabled={!settings.data || toggleSignup.isPending}
            onChange={(e) => toggleSignup.mutate(e.target.checked)}
          />
          Anyone can create an end-user account on the sign-up page
        </label>
      </Card>
      <Card title="BYOK fee">
        {settings.data ? (
          <ByokFeeForm current={settings.data.byok_fee_percent} />
        ) : settings.error ? (
          <Alert>{settings.error.message}</Alert>
        ) : (
          <p className="text-sm text-slate-500">Loading…</p>
        )}
      </Card>
      <Card title="Add a user">
        <AddUserForm onCreated={refresh} />
      </Card>
      <Card title="Users">
        <UsersTable selfId={selfId} />
      </Card>
    </div>
  );
}
