/** Provider kinds as the API and the seed catalog spell them, and as the database stores them. */
export const KIND_TO_DB = { "openai-compatible": "OPENAI_COMPATIBLE", anthropic: "ANTHROPIC", simulated: "SIMULATED" } as const;
export const KIND_FROM_DB = { OPENAI_COMPATIBLE: "openai-compatible", ANTHROPIC: "anthropic", SIMULATED: "simulated" } as const;
export type ProviderKindName = keyof typeof KIND_TO_DB;
