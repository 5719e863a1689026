import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { sessionCaller } from "@/lib/auth/caller";
import { canEnter, type Area, type Role } from "@/lib/auth/roles";
import { sessionSecret } from "@/lib/auth/session-cookie";
import { db } from "@/lib/db/client";

export type PageUser = { id: string; email: string; role: Role };

/**
 * The signed-in user, re-read from the database (role changes and disabling apply at once), by the
 * same check the API uses: a session ended by a password or role change is no session here either.
 */
export async function currentUser(): Promise<PageUser | null> {
  const caller = await sessionCaller(db(), (await headers()).get("cookie"), sessionSecret());
  return caller ? { id: caller.userId, email: caller.email, role: caller.role } : null;
}

/** Every page calls this first: no session → login; wrong role → the forbidden page. */
export async function requirePage(area: Area): Promise<PageUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  if (!canEnter(user.role, area)) redirect("/forbidden");
  return user;
}
