import { z } from "zod";
import { LATENCY_SLOS, QUALITY_TIERS, TASK_TYPES, type RoutingRequest } from "../router/types.ts";
import { powerLevelSchema } from "../router/rules.ts";
import { hasImageParts, lastUserText } from "../router/tokens.ts";
import { usdToMicros } from "../money/units.ts";
import type { UpstreamChatRequest } from "../providers/types.ts";
import type { ProviderKindName } from "../catalog/provider-kinds.ts";
import { forwardable } from "./forwarded-params.ts";

const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);

const message = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(z.looseObject({})).optional(),
  tool_call_id: z.string().optional(),
});

/** The OpenAI body plus Switchyard's routing fields; unknown fields pass through to the upstream. */
export const chatCompletionSchema = z.looseObject({
  model: z.string().trim().min(1),
  messages: z
    .array(message)
    .min(1)
    .meta({ messages: { too_small: "{label} must contain at least one message" } }),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z
    .literal(1)
    .meta({ messages: { invalid_value: "Only n=1 is supported" } })
    .nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: z.unknown().optional(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
  user: z.string().optional(),
  power_level: powerLevelSchema.nullish(),
  task_type: z.preprocess(lower, z.enum(TASK_TYPES)).nullish(),
  privacy_required: z.boolean().nullish(),
  latency_slo: z.preprocess(lower, z.enum(LATENCY_SLOS)).nullish(),
  quality: z.preprocess(lower, z.enum(QUALITY_TIERS)).nullish(),
  max_cost_usd: z.number().nonnegative().max(1_000_000).nullish(),
  region: z.string().trim().toLowerCase().min(1).nullish(),
});

export type ChatCompletionBody = z.infer<typeof chatCompletionSchema>;

const ROUTING_FIELDS = [
  "power_level",
  "task_type",
  "privacy_required",
  "latency_slo",
  "quality",
  "max_cost_usd",
  "region",
] as const;

export function routingRequest(body: ChatCompletionBody): RoutingRequest {
  return {
    model: body.model,
    powerLevel: body.power_level ?? null,
    taskType: body.task_type ?? null,
    privacyRequired: body.privacy_required ?? false,
    latencySlo: body.latency_slo ?? null,
    quality: body.quality ?? null,
    // Through a decimal string: float multiplication would turn 0.0003 into 299 micro-dollars.
    maxCostMicros: body.max_cost_usd == null ? null : usdToMicros(body.max_cost_usd.toFixed(6)),
    region: body.region ?? null,
    hasImages: hasImageParts(body.messages),
    hasTools: Array.isArray(body.tools) && body.tools.length > 0,
    // "text" is the default format: only a JSON format needs a model that can produce it.
    hasResponseFormat: body.response_format != null && body.response_format.type !== "text",
    lastUserText: lastUserText(body.messages),
  };
}

export function requestedMaxTokens(body: ChatCompletionBody): number | null {
  return body.max_completion_tokens ?? body.max_tokens ?? null;
}

/**
 * What goes upstream: the client's body minus routing and transport fields, filtered for the
 * provider kind and who pays (forwarded-params.ts), with the upstream model id and always a
 * max_tokens — the output bound the hold was priced on.
 */
export function upstreamRequest(
  body: ChatCompletionBody,
  upstreamModel: string,
  maxTokens: number,
  kind: ProviderKindName,
  byok: boolean,
): UpstreamChatRequest {
  const { stream: _s, stream_options: _so, max_completion_tokens: _mct, max_tokens: _mt, ...rest } = body;
  const out = forwardable({ ...rest, model: upstreamModel }, kind, byok);
  for (const field of ROUTING_FIELDS) delete out[field];
  for (const [k, v] of Object.entries(out)) if (v === null || v === undefined) delete out[k];
  out.max_tokens = maxTokens;
  return out as UpstreamChatRequest;
}
