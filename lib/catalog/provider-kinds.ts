/** Provider kinds as the API and the seed catalog spell them: the one list the forms, the schemas and the mapping below derive from. */
export const PROVIDER_KINDS = ["openai-compatible", "anthropic", "simulated"] as const;
export type ProviderKindName = (typeof PROVIDER_KINDS)[number];

/** How the database stores each kind (Prisma's ProviderKind; lib/db/prisma-enums.test.ts checks they agree). */
export const KIND_TO_DB = {
  "openai-compatible": "OPENAI_COMPATIBLE",
  anthropic: "ANTHROPIC",
  simulated: "SIMULATED",
} as const satisfies Record<ProviderKindName, string>;
export type ProviderKindDb = (typeof KIND_TO_DB)[ProviderKindName];
export const KIND_FROM_DB = {
  OPENAI_COMPATIBLE: "openai-compatible",
  ANTHROPIC: "anthropic",
  SIMULATED: "simulated",
} as const satisfies { [K in ProviderKindName as (typeof KIND_TO_DB)[K]]: K };
