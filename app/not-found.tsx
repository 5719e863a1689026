import Link from "next/link";
import type { Metadata } from "next";
import { connection } from "next/server";
import { currentUser } from "@/app/_server/session";
import { AppShell } from "@/components/shell/app-shell";
import { RequestedPath } from "@/components/shell/requested-path";

export const metadata: Metadata = { title: "Page not found · Switchyard" };

/**
 * Every URL that matches no page (the root not-found handles unmatched URLs app-wide). A signed-in
 * user stays inside the app, with its navigation, balance and account, instead of a dead end; a
 * visitor gets a plain page that points to sign-in and shows nothing of the app.
 */
export default async function NotFound() {
  // Who is asking decides the page, so it is rendered per request, never prerendered at build.
  await connection();
  const user = await currentUser();
  if (!user) {
    return (
      <main className="flex min-h-screen flex-col items-center justify-center gap-3 px-4 text-center">
        <p className="text-2xl font-semibold tracking-tight text-indigo-700">Switchyard</p>
        <h1 className="text-xl font-semibold text-slate-900">Page not found</h1>
        <p className="max-w-md text-sm text-slate-600">
          There is no page at <RequestedPath />.
        </p>
        <Link
          href="/login"
          className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500"
        >
          Sign in
        </Link>
      </main>
    );
  }
  return (
    <AppShell user={user}>
      <div className="mx-auto max-w-lg space-y-3 py-10 text-center">
        <h1 className="text-xl font-semibold text-slate-900">Page not found</h1>
        <p className="text-sm text-slate-600">
          There is no page at <RequestedPath />. The link may be mistyped or out of date; every page is in the menu
          above.
        </p>
        <p className="flex flex-wrap justify-center gap-2 pt-2">
          <Link
            href="/chat"
            className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Open the chat
          </Link>
          <Link
            href="/models"
            className="rounded-md bg-white px-3 py-2 text-sm font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
          >
            Browse models
          </Link>
        </p>
      </div>
    </AppShell>
  );
}
