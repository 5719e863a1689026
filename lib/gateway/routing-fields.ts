/**
 * Switchyard's routing fields (power_level, task_type, privacy_required, latency_slo, quality,
 * max_cost_usd, region) as every API dialect accepts them: the chat completions schema's own
 * definitions, so /v1/messages, /v1/responses and /v1/embeddings validate them identically.
 */
import { chatCompletionSchema } from "./chat-request.ts";

const chat = chatCompletionSchema.shape;

export const routingFields = {
  power_level: chat.power_level,
  task_type: chat.task_type,
  privacy_required: chat.privacy_required,
  latency_slo: chat.latency_slo,
  quality: chat.quality,
  max_cost_usd: chat.max_cost_usd,
  region: chat.region,
};
