import { z } from "zod";

/** POST /api/byok, and the BYOK form on the Keys page. */
export const addByokSchema = z.object({
  provider: z.string().trim().min(1).meta({ label: "Provider" }),
  api_key: z.string().trim().min(8).max(4096).meta({ label: "API key", messages: { too_small: "{label} looks too short: keys have at least {limit} characters" } }),
});
