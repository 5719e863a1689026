import { createAnthropicAdapter } from "./anthropic.ts";
import { createOpenAiCompatibleAdapter } from "./openai-compatible.ts";
import { createSimulatedAdapter } from "./simulated.ts";
import type { ProviderAdapter, ProviderConfig } from "./types.ts";

/** The adapter for a provider's kind. Adapters are cheap: make one per call or cache per config. */
export function createAdapter(config: ProviderConfig): ProviderAdapter {
  switch (config.kind) {
    case "OPENAI_COMPATIBLE":
      return createOpenAiCompatibleAdapter(config);
    case "ANTHROPIC":
      return createAnthropicAdapter(config);
    case "SIMULATED":
      return createSimulatedAdapter(config);
    default: {
      const kind: never = config.kind;
      throw new Error(`unknown provider kind: ${String(kind)}`);
    }
  }
}
