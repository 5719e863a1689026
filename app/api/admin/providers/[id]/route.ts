import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { listProviderViews } from "@/lib/catalog/views";
import { deleteProvider, updateProvider } from "@/lib/catalog/admin";
import { providerPatchSchema } from "@/lib/catalog/schemas";
import { masterKey } from "@/lib/crypto/master-key";
import { gateway } from "@/lib/gateway/context";

export const PATCH = handler<{ id: string }>({ access: "admin" }, async ({ req, db, params }) => {
  const body = await readJson(req, providerPatchSchema);
  await updateProvider(db, params.id, body, masterKey, gateway().catalog);
  gateway().breakers.reset(params.id);
  await gateway().circuits?.reset(params.id);
  return (await listProviderViews(db)).find((p) => p.id === params.id) ?? null;
});

export const DELETE = handler<{ id: string }>({ access: "admin" }, async ({ db, params }) => {
  await deleteProvider(db, params.id, gateway().catalog);
  return null;
});
