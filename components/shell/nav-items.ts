import type { Area } from "@/lib/auth/roles";

/** The pages that exist, and which area (role set) sees each. */
export const NAV_ITEMS: { href: string; label: string; area: Area }[] = [
  { href: "/chat", label: "Chat", area: "user" },
  { href: "/models", label: "Models", area: "user" },
  { href: "/usage", label: "Usage", area: "user" },
  { href: "/credits", label: "Credits", area: "user" },
  { href: "/keys", label: "Keys", area: "user" },
  { href: "/settings", label: "Settings", area: "user" },
  { href: "/finance", label: "Finance", area: "finance" },
  { href: "/admin/providers", label: "Providers", area: "admin" },
  { href: "/admin/routing", label: "Routing", area: "admin" },
  { href: "/admin/users", label: "Users", area: "admin" },
  { href: "/admin/requests", label: "Requests", area: "admin" },
];
