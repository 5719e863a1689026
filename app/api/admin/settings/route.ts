import { handler } from "@/lib/http/handler";
import { readJson } from "@/lib/http/body";
import { instanceSettingsPatchSchema } from "@/lib/system/schemas";
import { instanceSettings, updateInstanceSettings } from "@/lib/system/instance-settings";

export const GET = handler({ access: "admin" }, async ({ db }) => instanceSettings(db));

export const PATCH = handler({ access: "admin" }, async ({ req, db }) =>
  updateInstanceSettings(db, await readJson(req, instanceSettingsPatchSchema)),
);
