/**
 * A served request's token counts and cost as the provider invoices them: each class of token
 * the provider reported (uncached prompt, cache read, cache write, output with its reasoning) at
 * the served model's price for that class (lib/router/cost.ts invoiceCost).
 */
import type { Usage } from "../providers/types.ts";
import { invoiceCost, type InvoiceCost } from "../router/cost.ts";
import type { RouterModel } from "../router/types.ts";

export type TokenCounts = {
  /** Every prompt token, the cache classes included (OpenAI's meaning). */
  promptTokens: number;
  completionTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Part of completionTokens. */
  reasoningTokens: number;
};

export const NO_COST: InvoiceCost = Object.freeze({ total: 0, input: 0, cacheRead: 0, cacheWrite: 0, output: 0 });

/**
 * The counts for the usage row: the upstream's own report when it gave one (final, or the
 * partial one of a stream that broke or was cancelled), else `promptEstimate` for the prompt.
 * Classes are clamped into the totals they are parts of, so a server's inconsistent numbers can
 * never bill a token twice.
 */
export function tokenCounts(reported: Usage | null, promptEstimate: number, completionTokens: number): TokenCounts {
  const promptTokens = reported?.prompt_tokens ?? promptEstimate;
  const cacheReadTokens = Math.min(promptTokens, reported?.cache_read_tokens ?? 0);
  const cacheWriteTokens = Math.min(promptTokens - cacheReadTokens, reported?.cache_write_tokens ?? 0);
  const reasoningTokens = Math.min(completionTokens, reported?.reasoning_tokens ?? 0);
  return { promptTokens, completionTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens };
}

/**
 * What the platform owes the provider for these tokens on `model`. Nothing for a BYOK call (the
 * caller's own key pays the provider) or when no model served; a free or keyless local model
 * costs nothing by its prices.
 */
export function servedCost(model: RouterModel | undefined, t: TokenCounts, byok: boolean): InvoiceCost {
  if (!model || byok) return NO_COST;
  return invoiceCost(
    {
      uncachedInput: t.promptTokens - t.cacheReadTokens - t.cacheWriteTokens,
      cacheRead: t.cacheReadTokens,
      cacheWrite: t.cacheWriteTokens,
      output: t.completionTokens,
    },
    {
      input: model.inputPricePer1M,
      output: model.outputPricePer1M,
      cacheRead: model.cacheReadPricePer1M,
      cacheWrite: model.cacheWritePricePer1M,
    },
  );
}

/** Two costs added class by class (a request's served cost and its abandoned attempts'). */
export function addCosts(a: InvoiceCost, b: InvoiceCost): InvoiceCost {
  if (b.total === 0) return a;
  return {
    total: a.total + b.total,
    input: a.input + b.input,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    output: a.output + b.output,
  };
}
