import Link from "next/link";
import type { ReactNode } from "react";
import { canEnter, type Role } from "@/lib/auth/roles";
import { BalanceWidget } from "./balance-widget";
import { NAV_ITEMS } from "./nav-items";
import { NavLink } from "./nav-link";
import { SignOutButton } from "./sign-out-button";

export function AppShell({ user, children }: { user: { email: string; role: Role }; children: ReactNode }) {
  const items = NAV_ITEMS.filter((item) => canEnter(user.role, item.area));
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="text-base font-semibold tracking-tight text-indigo-700">
            Switchyard
          </Link>
          <nav aria-label="Main" className="flex flex-wrap gap-1">
            {items.map((item) => (
              <NavLink key={item.href} href={item.href}>
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <BalanceWidget />
            <Link href="/account" className="text-slate-600 hover:text-slate-900" data-testid="account-link">
              {user.email} <span className="text-xs text-slate-400">({user.role.toLowerCase()})</span>
            </Link>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </div>
  );
}
