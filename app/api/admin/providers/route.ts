import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { listProviderViews } from "@/lib/catalog/views";
import { createProvider } from "@/lib/catalog/admin";
import { providerBodySchema } from "@/lib/catalog/schemas";
import { masterKey } from "@/lib/crypto/master-key";
import { gateway } from "@/lib/gateway/context";

export const GET = handler({ access: "admin" }, async ({ db }) => ({ data: await listProviderViews(db) }));

export const POST = handler({ access: "admin" }, async ({ req, db }) => {
  const body = await readJson(req, providerBodySchema);
  const created = await createProvider(db, body, masterKey, gateway().catalog);
  const view = (await listProviderViews(db)).find((p) => p.id === created.id);
  return Response.json(view, { status: 201 });
});
