import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { listModelViews } from "@/lib/catalog/views";
import { createModel } from "@/lib/catalog/admin";
import { modelBodySchema } from "@/lib/catalog/schemas";
import { gateway } from "@/lib/gateway/context";

export const GET = handler({ access: "admin" }, async ({ db }) => ({ data: await listModelViews(db) }));

export const POST = handler({ access: "admin" }, async ({ req, db }) => {
  const body = await readJson(req, modelBodySchema);
  const created = await createModel(db, body, gateway().catalog);
  return Response.json(
    (await listModelViews(db)).find((m) => m.id === created.id),
    { status: 201 },
  );
});
