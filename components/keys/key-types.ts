import type { z } from "zod";
import type { ApiKeyView } from "@/lib/keys/api-keys";
import type { createKeySchema, updateKeySchema } from "@/lib/keys/schemas";

/** POST /api/keys, as the form sends it (the API parses it with the same schema). */
export type CreateKeyBody = z.input<typeof createKeySchema>;
/** PATCH /api/keys/:id: only what changed; `null` clears a fence. */
export type UpdateKeyBody = z.input<typeof updateKeySchema>;
/** POST's answer: the view plus the key itself, shown this once. */
export type CreatedKey = ApiKeyView & { key: string };

export type { ApiKeyView };

export const KEYS_QUERY = ["keys"] as const;
