/**
 * Constants copied from the seed catalog (shared/catalog/seed-catalog.json, "powerLevels" and
 * "taskPreferences"). The app never reads the shared folder at run time.
 */
import type { PowerLevel, RoutingWeights, TaskType } from "./types.ts";

export const POWER_LEVEL_WEIGHTS: Readonly<Record<PowerLevel, Readonly<RoutingWeights>>> = {
  ECO: { cost: 0.6, latency: 0.3, quality: 0.1 },
  BALANCED: { cost: 0.4, latency: 0.4, quality: 0.2 },
  PRECISION: { cost: 0.1, latency: 0.2, quality: 0.7 },
};

export const POWER_LEVEL_ABOUT: Readonly<Record<PowerLevel, string>> = {
  ECO: "free or cheapest that is good enough; prefer local and free tiers",
  BALANCED: "best value",
  PRECISION: "highest quality, cost secondary",
};

/**
 * Model-name fragments that are strong at a task, matched case-insensitively at a word start
 * against the model's display name. "chat" has none ("any" in the seed).
 */
export const TASK_PREFERENCES: Readonly<Record<TaskType, readonly string[]>> = {
  code: ["Qwen", "Claude", "DeepSeek"],
  creative: ["Claude", "GPT-4o"],
  rag: ["Mixtral", "Llama 3.1 405B", "Gemini"],
  reasoning: ["Claude 3 Opus", "DeepSeek R1", "O1"],
  chat: [],
  analysis: [],
};

/** When the request has no max_tokens, the gateway should pass this as maxOutputTokens. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 1024;

export const DEFAULT_POWER_LEVEL: PowerLevel = "BALANCED";
