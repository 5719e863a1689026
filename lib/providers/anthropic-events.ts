/**
 * Anthropic's Messages stream events, as lenient zod schemas (the model: the Vercel AI SDK's
 * `anthropicMessagesChunkSchema`). Limited to the events and fields the adapter reads; every
 * field optional, since a proxy or a later API version may leave one out, and caught, so a field
 * of the wrong type reads as absent rather than failing the event: the adapter tolerates what it
 * tolerated before. `z.object` ignores the fields it does not list. An event of a type not listed
 * here (ping, content_block_stop, types added later) fails the union and is skipped.
 *
 * content_block_delta, the event that carries each token, is not here: the adapter walks it by
 * hand. A safeParse added 0.6-0.8 µs per event to the ~0.6 µs JSON.parse of it, where the walk
 * adds ~0.02 µs (a micro-benchmark of 100,000 text deltas), on every token of every reply. The
 * events a reply has a few of are parsed.
 */
import { z } from "zod";

const text = z.string().optional().catch(undefined);
const index = z.number().optional().catch(undefined);

/** A token count as billed: a finite number, not negative, rounded; anything else reads as absent. */
const tokenCount = z
  .number()
  .nonnegative()
  .transform((n) => Math.round(n))
  .optional()
  .catch(undefined);

/** `usage` on message_start (the prompt's counts) and message_delta (the output so far, sometimes the prompt again). */
const anthropicUsageSchema = z.object({
  input_tokens: tokenCount,
  output_tokens: tokenCount,
  cache_creation_input_tokens: tokenCount,
  cache_read_input_tokens: tokenCount,
});
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

const usage = anthropicUsageSchema.optional().catch(undefined);

export const anthropicEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("message_start"),
    message: z.object({ id: text, model: text, usage }).catch({}),
  }),
  z.object({
    type: z.literal("content_block_start"),
    index,
    content_block: z
      .object({
        type: text,
        // Read as they come and turned into strings (a number id still names its call).
        id: z.unknown().optional(),
        name: z.unknown().optional(),
        text,
      })
      .catch({}),
  }),
  z.object({
    type: z.literal("message_delta"),
    delta: z.object({ stop_reason: text }).catch({}),
    usage,
  }),
  z.object({ type: z.literal("message_stop") }),
  z.object({
    type: z.literal("error"),
    error: z.object({ type: text, message: text }).catch({}),
  }),
]);
