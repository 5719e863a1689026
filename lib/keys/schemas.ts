import { z } from "zod";

/** POST /api/keys, and the Keys page's form. */
export const createKeySchema = z.object({
  name: z.string().trim().min(1).max(100).meta({ label: "Name" }),
  expires_at: z.iso.datetime({ offset: true }).meta({ label: "Expires" }).nullish(),
});
