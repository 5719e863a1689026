import { redirect } from "next/navigation";
import { currentUser } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { hasAdmin } from "@/lib/users/users";

export const dynamic = "force-dynamic";

export default async function Home() {
  if (!(await hasAdmin(db()))) redirect("/setup");
  redirect((await currentUser()) ? "/chat" : "/login");
}
