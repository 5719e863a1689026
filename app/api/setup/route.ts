import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { credentialsSchema } from "@/lib/users/schemas";
import { createFirstAdmin } from "@/lib/users/users";

// First run only: creates the admin while none exists (refused with 409 afterwards).
export const POST = handler({ access: "public" }, async ({ req, db }) => {
  const body = await readJson(req, credentialsSchema);
  const admin = await createFirstAdmin(db, body);
  return Response.json({ id: admin.id, email: admin.email, role: admin.role }, { status: 201 });
});
