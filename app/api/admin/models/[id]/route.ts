import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { listModelViews } from "@/lib/catalog/views";
import { deleteModel, updateModel } from "@/lib/catalog/admin";
import { modelPatchSchema } from "@/lib/catalog/schemas";
import { gateway } from "@/lib/gateway/context";

export const PATCH = handler<{ id: string }>({ access: "admin" }, async ({ req, db, params }) => {
  const body = await readJson(req, modelPatchSchema);
  await updateModel(db, params.id, body, gateway().catalog);
  return (await listModelViews(db)).find((m) => m.id === params.id) ?? null;
});

export const DELETE = handler<{ id: string }>({ access: "admin" }, async ({ db, params }) => {
  await deleteModel(db, params.id, gateway().catalog);
  return null;
});
