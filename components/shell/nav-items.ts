import type { Area } from "@/lib/auth/roles";

/** The pages that exist, and which area (role set) sees each. */
export const NAV_ITEMS: { href: string; label: string; area: Area }[] = [
  { href: "/keys", label: "Keys", area: "user" },
  { href: "/admin/users", label: "Users", area: "admin" },
];
