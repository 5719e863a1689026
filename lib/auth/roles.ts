import { ROLES, type Role } from "../router/types.ts";

export type { Role };

/** Who may enter each area. ADMIN sees finance too; FINANCE is not an admin. */
export const AREA_ROLES = {
  user: ROLES,
  admin: ["ADMIN"],
  finance: ["ADMIN", "FINANCE"],
} as const satisfies Record<string, readonly Role[]>;

export type Area = keyof typeof AREA_ROLES;

export function canEnter(role: Role, area: Area): boolean {
  return (AREA_ROLES[area] as readonly Role[]).includes(role);
}
