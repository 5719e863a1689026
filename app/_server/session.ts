import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { authOptions } from "@/lib/auth/auth-options";
import { canEnter, type Area, type Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";

export type PageUser = { id: string; email: string; role: Role };

/** The signed-in user, re-read from the database (role changes and disabling apply at once). */
export async function currentUser(): Promise<PageUser | null> {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const user = await db().user.findUnique({ where: { id }, select: { id: true, email: true, role: true, disabled: true } });
  return user && !user.disabled ? { id: user.id, email: user.email, role: user.role } : null;
}

/** Every page calls this first: no session → login; wrong role → the forbidden page. */
export async function requirePage(area: Area): Promise<PageUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  if (!canEnter(user.role, area)) redirect("/forbidden");
  return user;
}
