import { z } from "zod";
import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { isSignupEnabled, setSetting, SIGNUP_ENABLED } from "@/lib/system/settings";

export const GET = handler({ access: "admin" }, async ({ db }) => ({ signup_enabled: await isSignupEnabled(db) }));

export const PATCH = handler({ access: "admin" }, async ({ req, db }) => {
  const body = await readJson(req, z.object({ signup_enabled: z.boolean() }));
  await setSetting(db, SIGNUP_ENABLED, body.signup_enabled);
  return { signup_enabled: body.signup_enabled };
});
