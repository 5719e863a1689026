import type { ReactNode } from "react";
import type { AdminUserRow } from "@/lib/users/admin-list";
import type { Role } from "@/lib/auth/roles";

/** A change to a user that waits for the admin's yes. */
export type UserChange =
  | { kind: "role"; user: AdminUserRow; role: Role }
  | { kind: "disable"; user: AdminUserRow }
  | { kind: "enable"; user: AdminUserRow };

export const changeBody = (c: UserChange) =>
  c.kind === "role" ? { role: c.role } : { disabled: c.kind === "disable" };

/** Where an admin goes once a change has taken their own admin access: a page they can still see. */
export function pageAfterOwnChange(c: UserChange): string | null {
  if (c.kind === "disable") return "/login";
  if (c.kind === "role" && c.role !== "ADMIN") return "/account?notice=role-changed";
  return null;
}

const Email = ({ children }: { children: string }) => (
  <strong className="font-medium text-slate-900">{children}</strong>
);

export function confirmation(c: UserChange, self: boolean): { title: string; confirmLabel: string; body: ReactNode } {
  const email = c.user.email;
  if (c.kind === "role" && self) {
    return {
      title: "Remove your own admin access?",
      confirmLabel: `Yes, make me ${c.role}`,
      body: (
        <>
          <p>
            You are about to change your own role from {c.user.role} to {c.role}.
          </p>
          <p className="font-medium text-red-800">
            You will lose admin access: you can no longer manage users, providers or routing, and you leave this page.
            Only another admin can make you an admin again.
          </p>
        </>
      ),
    };
  }
  if (c.kind === "role") {
    return {
      title: "Change role?",
      confirmLabel: `Make ${c.role}`,
      body: (
        <>
          <p>
            Change <Email>{email}</Email> from {c.user.role} to {c.role}?
          </p>
          <p>
            They are signed out everywhere and sign in again with the new role
            {c.role === "ADMIN" ? ", which can manage every user, provider and key" : ""}.
          </p>
        </>
      ),
    };
  }
  if (self) {
    return {
      title: "Disable your own account?",
      confirmLabel: "Disable my account",
      body: (
        <p className="font-medium text-red-800">
          You will be signed out at once and lose all access, admin access included. You cannot sign in again until
          another admin enables you.
        </p>
      ),
    };
  }
  return {
    title: "Disable user?",
    confirmLabel: "Disable",
    body: (
      <p>
        Disable <Email>{email}</Email>? They are signed out at once and can no longer sign in or use their gateway keys
        until an admin enables them again.
      </p>
    ),
  };
}

export function doneMessage(c: UserChange): string {
  if (c.kind === "role") return `${c.user.email} is now ${c.role}.`;
  return `${c.user.email} ${c.kind === "disable" ? "disabled: signed out and blocked" : "enabled: can sign in again"}.`;
}
