import type { PublicUser } from "./users.ts";

export const userView = (u: PublicUser) => ({
  id: u.id,
  email: u.email,
  role: u.role,
  disabled: u.disabled,
  created_at: u.createdAt.toISOString(),
});
