"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useEffect, useState } from "react";
import { api } from "@/components/api-client";
import { Alert, Badge, Button, Input, Select } from "@/components/ui/primitives";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { GrantCredits } from "@/components/credits/grant-credits";
import { formatUsdAmount } from "@/lib/money/units";
import type { AdminUserRow } from "@/lib/users/admin-list";
import { ROLES, type Role } from "@/lib/router/types";
import { changeBody, confirmation, doneMessage, pageAfterOwnChange, type UserChange } from "./user-changes";

export const USERS_PAGE_SIZE = 25;

type Page = { data: AdminUserRow[]; next_cursor: string | null };

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

const when = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "never";

/** The admin's list of users: server-side search, role filter and pages; every change asks first. */
export function UsersTable({ selfId }: { selfId: string }) {
  const qc = useQueryClient();
  const [search, setSearch] = useState("");
  const [roleFilter, setRoleFilter] = useState("");
  const q = useDebounced(search.trim(), 300);
  // Cursors of the pages after the first; a new search or filter starts again at page one.
  const filterKey = `${q}\u0000${roleFilter}`;
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key: filterKey, cursors: [] });
  const cursors = paging.key === filterKey ? paging.cursors : [];
  const cursor = cursors.at(-1);

  const users = useQuery({
    queryKey: ["admin-users", { q, role: roleFilter, cursor }],
    queryFn: () =>
      api<Page>(
        `/api/admin/users?${new URLSearchParams({ q, role: roleFilter, limit: String(USERS_PAGE_SIZE), ...(cursor ? { cursor } : {}) })}`,
      ),
    placeholderData: keepPreviousData,
  });

  const [creditsFor, setCreditsFor] = useState<string | null>(null);
  const [asking, setAsking] = useState<UserChange | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  const change = useMutation({
    mutationFn: (c: UserChange) => api(`/api/admin/users/${c.user.id}`, { method: "PATCH", body: changeBody(c) }),
    onSuccess: (_, c) => {
      const away = c.user.id === selfId ? pageAfterOwnChange(c) : null;
      // A full load: the navigation and every page must be rendered again for the new role.
      if (away) {
        setLeaving(true);
        return window.location.assign(away);
      }
      setAsking(null);
      setDone(doneMessage(c));
      void qc.invalidateQueries({ queryKey: ["admin-users"] });
    },
  });

  function ask(c: UserChange) {
    change.reset();
    setDone(null);
    if (c.kind === "enable") change.mutate(c);
    else setAsking(c);
  }

  const rows = users.data?.data ?? [];
  const shownRole = (u: AdminUserRow) => (asking?.kind === "role" && asking.user.id === u.id ? asking.role : u.role);
  const dialog = asking && confirmation(asking, asking.user.id === selfId);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3" role="search" aria-label="Find users">
        <div className="min-w-48 flex-1">
          <label htmlFor="users-search" className="block text-sm font-medium text-slate-700">
            Search by email
          </label>
          <Input
            id="users-search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="part of an email"
            maxLength={254}
            className="mt-1"
          />
        </div>
        <div>
          <label htmlFor="users-role-filter" className="block text-sm font-medium text-slate-700">
            Filter by role
          </label>
          <Select
            id="users-role-filter"
            value={roleFilter}
            onChange={(e) => setRoleFilter(e.target.value)}
            className="mt-1 py-2"
          >
            <option value="">All roles</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </Select>
        </div>
      </div>

      <div aria-live="polite">
        {done && (
          <Alert kind="success">
            <span className="wrap-anywhere">{done}</span>
          </Alert>
        )}
      </div>
      {change.error && !asking && <Alert>{change.error.message}</Alert>}

      {users.isPending ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : users.error ? (
        <Alert>{users.error.message}</Alert>
      ) : rows.length === 0 ? (
        <p className="text-sm text-slate-500">{q || roleFilter ? "No user matches this search." : "No users yet."}</p>
      ) : (
        <div className="overflow-x-auto" data-testid="users-table-scroll">
          <table className="w-full text-left text-sm" aria-label="Users" aria-busy={users.isFetching}>
            <thead className="text-xs text-slate-500 uppercase">
              <tr>
                <th className="py-2 pr-3">Email</th>
                <th className="pr-3">Role</th>
                <th className="pr-3">Status</th>
                <th className="pr-3 text-right">Balance</th>
                <th className="pr-3 text-right">This month</th>
                <th className="pr-3">Last active</th>
                <th className="pr-3">Joined</th>
                <th className="sticky right-0 bg-white pl-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((u) => {
                const self = u.id === selfId;
                return (
                  <Fragment key={u.id}>
                    <tr>
                      <td className="py-2 pr-3 font-medium">
                        <span className="flex items-center gap-2">
                          <span
                            id={`user-${u.id}-email`}
                            className="block max-w-[10rem] truncate sm:max-w-[16rem]"
                            title={u.email}
                          >
                            {u.email}
                          </span>
                          {self && <span className="shrink-0 text-xs font-normal text-slate-400">(you)</span>}
                        </span>
                      </td>
                      <td className="pr-3">
                        <Select
                          aria-label={`Role of ${u.email}`}
                          value={shownRole(u)}
                          disabled={change.isPending || asking !== null}
                          onChange={(e) => ask({ kind: "role", user: u, role: e.target.value as Role })}
                        >
                          {ROLES.map((r) => (
                            <option key={r}>{r}</option>
                          ))}
                        </Select>
                      </td>
                      <td className="pr-3 whitespace-nowrap">
                        {u.disabled ? <Badge tone="red">disabled</Badge> : <Badge tone="green">active</Badge>}
                        {u.owed_usd > 0 && (
                          <span
                            className="ml-1"
                            title="A request cost more than was held; paid models are blocked until credits cover it"
                          >
                            <Badge tone="red">owes {formatUsdAmount(u.owed_usd)}</Badge>
                          </span>
                        )}
                      </td>
                      <td className="pr-3 text-right whitespace-nowrap tabular-nums">
                        {formatUsdAmount(u.balance_usd)}
                      </td>
                      <td className="pr-3 text-right whitespace-nowrap tabular-nums">
                        {formatUsdAmount(u.month_spend_usd)}
                      </td>
                      <td className="pr-3 whitespace-nowrap">{when(u.last_active_at)}</td>
                      <td className="pr-3 whitespace-nowrap">{new Date(u.created_at).toLocaleDateString()}</td>
                      <td className="sticky right-0 bg-white py-2 pr-1 pl-2 text-right whitespace-nowrap shadow-[-6px_0_6px_-6px_rgba(15,23,42,0.25)]">
                        <Button
                          variant="secondary"
                          className="mr-2"
                          aria-expanded={creditsFor === u.id}
                          aria-describedby={`user-${u.id}-email`}
                          onClick={() => setCreditsFor(creditsFor === u.id ? null : u.id)}
                        >
                          Credits
                        </Button>
                        <Button
                          variant={u.disabled ? "secondary" : "danger"}
                          disabled={change.isPending}
                          aria-describedby={`user-${u.id}-email`}
                          onClick={() => ask({ kind: u.disabled ? "enable" : "disable", user: u })}
                        >
                          {u.disabled ? "Enable" : "Disable"}
                        </Button>
                      </td>
                    </tr>
                    {creditsFor === u.id && (
                      <tr>
                        <td colSpan={8} className="pb-3">
                          <GrantCredits userId={u.id} email={u.email} onClose={() => setCreditsFor(null)} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <nav aria-label="Pages of users" className="flex items-center justify-between gap-3 text-sm">
        <span className="text-slate-500">Page {cursors.length + 1}</span>
        <span className="flex gap-2">
          <Button
            variant="secondary"
            disabled={cursors.length === 0}
            onClick={() => setPaging({ key: filterKey, cursors: cursors.slice(0, -1) })}
          >
            Previous
          </Button>
          <Button
            variant="secondary"
            disabled={!users.data?.next_cursor || users.isPlaceholderData}
            onClick={() =>
              users.data?.next_cursor && setPaging({ key: filterKey, cursors: [...cursors, users.data.next_cursor] })
            }
          >
            Next
          </Button>
        </span>
      </nav>

      {asking && dialog && (
        <ConfirmDialog
          title={dialog.title}
          confirmLabel={dialog.confirmLabel}
          pending={change.isPending || leaving}
          error={change.error?.message}
          onConfirm={() => change.mutate(asking)}
          onCancel={() => {
            setAsking(null);
            change.reset();
          }}
        >
          {dialog.body}
        </ConfirmDialog>
      )}
    </div>
  );
}
