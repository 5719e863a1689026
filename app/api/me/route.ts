import { handler } from "@/lib/http/handler";

export const GET = handler({ access: "user" }, async ({ caller }) => ({
  id: caller.userId,
  email: caller.email,
  role: caller.role,
}));
