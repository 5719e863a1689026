import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { getSettings, updateSettings } from "@/lib/users/settings";
import { settingsPatchSchema } from "@/lib/users/schemas";

export const GET = handler({ access: "user" }, async ({ db, caller }) => getSettings(db, caller.userId));

export const PUT = handler({ access: "user" }, async ({ req, db, caller }) =>
  updateSettings(db, caller.userId, await readJson(req, settingsPatchSchema)),
);
