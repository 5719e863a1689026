import type { SimulationConfig } from "./types.ts";

// Kept apart from simulated.ts so the admin UI can show them without bundling the tokenizer.
export const SIMULATION_DEFAULTS = {
  first_token_ms: 300,
  tokens_per_second: 50,
  error_rate: 0,
  error_status: 503,
} as const satisfies SimulationConfig;
